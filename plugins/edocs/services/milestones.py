"""Milestones and the documents they expect (``domain.milestone_templates``).

Setting them up is the binder owner's (``manage_binder`` in the organization that owns it,
:func:`studies.may_manage`). Each expectation is due at its milestone's date plus its
``due_offset_days``, so moving a milestone (audited, with a reason) moves every due date with it.
Every problem of the input is named at once and nothing is written.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from sdk import org_scope, tool
from sdk.audit import reason_for_change

from ..domain.milestone_templates import TEMPLATES, template
from ..models import Expectation, Milestone, Study, StudySite
from . import current_user_id
from .errors import EdocsInputError, NotAllowed
from .studies import artifact_by_number, ensure_open, may_manage

MAX_REASON = 500
MAX_OFFSET_DAYS = 3650
NOT_MANAGER = "Setting up milestones needs 'manage_binder' in the organization that owns the binder."


def due_on(expectation: Expectation) -> date:
    return expectation.milestone.due_on + timedelta(days=expectation.due_offset_days)


def parse_date(value, key: str, problems: EdocsInputError) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(key, "Give the date as YYYY-MM-DD.")
    return None


def _check_manager(study: Study) -> None:
    if not may_manage(study):
        raise NotAllowed(NOT_MANAGER)
    ensure_open(study)


def _owner(study: Study, owner_id, problems: EdocsInputError) -> int | None:
    """The expectation owner: a member of the binder's organization (the acting person by default)."""
    if owner_id in (None, ""):
        return current_user_id()
    if isinstance(owner_id, str) and owner_id.strip().isdigit():
        owner_id = int(owner_id)
    members = {member.user_id for member in tool().sharing.team(study)}
    if not isinstance(owner_id, int) or isinstance(owner_id, bool) or owner_id not in members:
        problems.add("owner", "The owner must be a member of the organization that owns the binder.")
        return None
    return owner_id


def milestones_of(study: Study) -> list[Milestone]:
    """The study's milestones the organization sees (a site organization: its site's), by date."""
    return list(tool().db_session().scalars(
        select(Milestone).where(Milestone.study_id == study.id).order_by(Milestone.due_on, Milestone.id)))


def expectations_of(milestone: Milestone) -> list[Expectation]:
    return list(tool().db_session().scalars(
        select(Expectation).where(Expectation.milestone_id == milestone.id).order_by(Expectation.due_offset_days,
                                                                                     Expectation.id)))


def add_milestone(study: Study, kind, due, *, site: StudySite | None = None, owner_id=None,
                  site_missing: bool = False) -> Milestone:
    """A milestone of ``kind`` dated ``due`` (at ``site`` for a site milestone) with the documents
    its template expects, owned by ``owner_id`` (the acting person by default); flushed.
    ``site_missing``: a site was named but is not one of the binder's."""
    _check_manager(study)
    problems = EdocsInputError()
    found = template(kind)
    if found is None:
        problems.add("kind", f"Choose a kind of milestone: {', '.join(TEMPLATES)}.")
    due_date = parse_date(due, "due_on", problems)
    owner = _owner(study, owner_id, problems)
    if site_missing:
        problems.add("site", "That site is not in the binder.")
    elif found is not None and found.level == "site" and site is None:
        problems.add("site", f"{found.label} is a site milestone: choose the site.")
    elif found is not None and found.level == "trial" and site is not None:
        problems.add("site", f"{found.label} is a trial milestone: it has no site.")
    if found is not None and not problems.items and _exists(study, found.kind, site):
        problems.add("kind", f"{_name(found.label, site)} is set already; move its date instead.")
    problems.raise_if_any()
    session = tool().db_session()
    with org_scope(study.org_id):
        milestone = Milestone(study_id=study.id, site_id=site.id if site else None, kind=found.kind,
                              name=_name(found.label, site), due_on=due_date)
        session.add(milestone)
        session.flush()
        for item in found.expected_for(site.country if site else None):
            artifact = artifact_by_number(study, item.number)
            if artifact is not None:
                session.add(Expectation(study_id=study.id, milestone_id=milestone.id, artifact_id=artifact.id,
                                        site_id=milestone.site_id, due_offset_days=item.due_offset_days,
                                        owner_id=owner))
        session.flush()
    return milestone


def _name(label: str, site: StudySite | None) -> str:
    return f"{label}, site {site.code}" if site is not None else label


def _exists(study: Study, kind: str, site: StudySite | None) -> bool:
    query = select(Milestone.id).where(Milestone.study_id == study.id, Milestone.kind == kind)
    query = query.where(Milestone.site_id == site.id) if site else query.where(Milestone.site_id.is_(None))
    return tool().db_session().scalar(query) is not None


def move_milestone(milestone: Milestone, due, reason) -> Milestone:
    """Date ``milestone`` ``due``: every expectation's due date moves with it (what is overdue
    changes; what is missing does not). The reason goes to the audit trail."""
    study = tool().db_session().get(Study, milestone.study_id)
    _check_manager(study)
    problems = EdocsInputError()
    due_date = parse_date(due, "due_on", problems)
    text = _reason(reason, problems)
    if due_date is not None and due_date == milestone.due_on:
        problems.add("due_on", f"The milestone is dated {due_date.isoformat()} already.")
    problems.raise_if_any()
    with org_scope(study.org_id), reason_for_change(text):
        milestone.due_on = due_date
        tool().db_session().flush()
    return milestone


def _reason(reason, problems: EdocsInputError) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        problems.add("reason", "Say why the date moves (it goes to the audit trail).")
    elif len(text) > MAX_REASON:
        problems.add("reason", f"Keep the reason to {MAX_REASON} characters.")
    return text


def add_expectation(milestone: Milestone, number, *, due_offset_days=0, owner_id=None) -> Expectation:
    """One more artifact ``milestone`` expects, due ``due_offset_days`` after its date; flushed."""
    study = tool().db_session().get(Study, milestone.study_id)
    _check_manager(study)
    problems = EdocsInputError()
    artifact = artifact_by_number(study, number) if isinstance(number, str) else None
    if artifact is None:
        problems.add("artifact", f"{number!r} is not an artifact of this binder (use a number such as 05.02.04).")
    elif milestone.site_id is not None and "site" not in artifact.level_list:
        problems.add("artifact", f"{artifact} is not filed at site level.")
    elif milestone.site_id is None and not {"trial", "country"} & set(artifact.level_list):
        problems.add("artifact", f"{artifact} is filed at site level only; expect it at a site milestone.")
    offset = _offset(due_offset_days, problems)
    owner = _owner(study, owner_id, problems)
    if artifact is not None and tool().db_session().scalar(select(Expectation.id).where(
            Expectation.milestone_id == milestone.id, Expectation.artifact_id == artifact.id)) is not None:
        problems.add("artifact", f"{milestone.name} expects {artifact} already.")
    problems.raise_if_any()
    with org_scope(study.org_id):
        expectation = Expectation(study_id=study.id, milestone_id=milestone.id, artifact_id=artifact.id,
                                  site_id=milestone.site_id, due_offset_days=offset, owner_id=owner)
        tool().db_session().add(expectation)
        tool().db_session().flush()
    return expectation


def _offset(value, problems: EdocsInputError) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if value in (None, ""):
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_OFFSET_DAYS:
        problems.add("due_offset_days", f"Give the days after the milestone as a whole number, "
                                        f"-{MAX_OFFSET_DAYS} to {MAX_OFFSET_DAYS}.")
        return 0
    return value


def remove_expectation(expectation: Expectation) -> None:
    """The milestone no longer expects this artifact (audited; filed documents stay)."""
    study = tool().db_session().get(Study, expectation.study_id)
    _check_manager(study)
    with org_scope(study.org_id):
        tool().db_session().delete(expectation)
        tool().db_session().flush()
