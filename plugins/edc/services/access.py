"""Finding a study, a site or a subject the acting person may see: the tenant wall already hides
other organizations' rows and sites outside a site-limited grant; ``can`` adds the person's
rights. None means "not there" (pages and the API answer 404, never 403, so ids leak nothing)."""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..models import Study, StudySite, Subject


def visible_study(study_id: int) -> Study | None:
    study = tool().db_session().get(Study, study_id)
    return study if study is not None and tool().can("view_study", study) else None


def visible_subject(subject_id: int) -> Subject | None:
    subject = tool().db_session().get(Subject, subject_id)
    return subject if subject is not None and tool().can("view_study", subject) else None


def visible_sites(study: Study) -> list[StudySite]:
    """The study's sites this organization sees (one, for a site organization)."""
    return list(tool().db_session().scalars(
        select(StudySite).where(StudySite.study_id == study.id).order_by(StudySite.code)))


def enrolling_sites(study: Study) -> list[StudySite]:
    """The sites where the acting person may enroll subjects."""
    return [site for site in visible_sites(study) if tool().can("enter_data", site)]


def may_enter(subject: Subject) -> bool:
    return tool().can("enter_data", subject)
