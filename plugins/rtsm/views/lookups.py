"""Finding the record a page names, as the acting person may see it, and committing a change or
showing its problems: shared by every page of rtsm.

A record of another organization (or of a site outside a site organization's grant) is simply
not there: 404, never saying it exists. A record the person sees but may not act on: 403 with a
sentence saying what is missing."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from sdk import tool

from ..models import Allocation, Study, Unblinding
from ..services.access import owns, visible_allocation, visible_study
from ..services.dispensing import report_if_short
from ..services.errors import ConflictError, NotAllowed, RtsmInputError

NOT_OWNER = "Only the study's owner changes its set-up; it is shared with your organization to work on."
NOT_MANAGER = "Setting up the study and its randomization scheme needs the 'manage_study' permission."


def study_or_404(study_id: int) -> Study:
    """The study if the current person may see it; 404 otherwise."""
    study = visible_study(study_id)
    if study is None:
        abort(404)
    return study


def manageable_or_403(study_id: int) -> Study:
    """The study if the current person may change its set-up: 404 if they cannot see it, 403 if
    they see it but may not change it (a member without manage_study, or a grantee)."""
    study = study_or_404(study_id)
    if not tool().can("manage_study", study):
        abort(403, NOT_MANAGER)
    if not owns(study):
        abort(403, NOT_OWNER)
    return study


def allocation_or_404(study: Study, allocation_id: int) -> Allocation:
    """The study's allocation (a randomized subject) if visible: another study's id is 404 too."""
    allocation = visible_allocation(allocation_id)
    if allocation is None or allocation.study_id != study.id:
        abort(404)
    return allocation


def unblinding_or_404(study: Study, unblinding_id: int) -> Unblinding:
    unblinding = tool().db_session().get(Unblinding, unblinding_id)
    if unblinding is None or unblinding.study_id != study.id or not tool().can("view_study", unblinding):
        abort(404)
    return unblinding


@dataclass
class Outcome:
    """What ``commit_or_refuse`` did: the action's ``result``, or the ``refusal`` to answer."""

    result: object = None
    refusal: object = None


def commit_or_refuse(render, form, action, on_problems=None) -> Outcome:
    """Run ``action`` and commit; on refusal roll back, put every problem on ``form`` (through
    ``on_problems`` when given, to map field paths) and answer ``render()`` with 422 (409 for a
    state conflict). A refusal of rights answers 403."""
    session = tool().db_session()
    try:
        result = action()
        session.commit()
        return Outcome(result=result)
    except RtsmInputError as problems:
        session.rollback()
        report_if_short(problems)
        (on_problems or form.absorb)(problems)
        return Outcome(refusal=(render(), 422))
    except ConflictError as conflict:
        session.rollback()
        form.form_errors.append(str(conflict))
        return Outcome(refusal=(render(), 409))
    except NotAllowed as refusal:
        session.rollback()
        abort(403, str(refusal) or "You may not do this.")
