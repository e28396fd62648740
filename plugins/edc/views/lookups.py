"""Finding the study a page names, as the person may see it, and committing a change or showing
its problems: shared by every page of edc."""
from __future__ import annotations

from flask import abort

from sdk import tool

from ..models import Study
from ..services import studies as service
from ..services.access import visible_study
from ..services.errors import EdcInputError

NOT_OWNER = "Only the study's owner changes its build; it is shared with your organization to work on."
NOT_BUILDER = "Changing the study's build needs the 'manage_study' permission."


def study_or_404(study_id: int) -> Study:
    """The study if the current person may see it; 404 otherwise (never saying it exists)."""
    study = visible_study(study_id)
    if study is None:
        abort(404)
    return study


def buildable_or_403(study_id: int) -> Study:
    """The study if the current person may change its build; 404 if they cannot see it, 403 if
    they see it but may not change it (a grantee, or a member without manage_study)."""
    study = study_or_404(study_id)
    if not service.may_build(study):
        abort(403, NOT_BUILDER if service.owns(study) else NOT_OWNER)
    return study


def commit_or_refuse(render, form, action):
    """Run ``action``; on refusal roll back, put every problem on ``form`` and answer ``render()``
    with 422. Returns None when it succeeded and was committed."""
    try:
        action()
        tool().db_session().commit()
        return None
    except EdcInputError as problems:
        tool().db_session().rollback()
        form.absorb(problems)
        return render(), 422
