"""Reminding owners of overdue expected documents.

One notification per owner and run, listing their overdue documents. Each reminded expectation
gets an audit entry (action ``reminded``, with the day); an expectation reminded today is left out
of a later run the same day, so running the job twice a day reminds nobody twice. The job runs per
binder (``remind_overdue``, started from the dashboard), the CLI command for every binder of
every organization (``trialoffice tools edocs remind-overdue``, for a daily cron).
"""
from __future__ import annotations

from datetime import date

from flask import url_for
from werkzeug.routing import BuildError

from sdk import org_scope, tool, utcnow
from sdk.jobs import JobResult
from sdk.notifications import declare_kind

from ..domain.completeness import ExpectationState
from ..models import Study
from .completeness import report

OVERDUE = declare_kind("edocs.overdue", "Documents you own are overdue in a binder",
                       "Documents a milestone expects, which you own, are past their due date and not QC-passed.")
REMINDED = "reminded"
MAX_LISTED = 20


def _link(study: Study) -> str | None:
    try:
        return url_for("edocs.completeness", study_id=study.id)
    except (BuildError, RuntimeError):  # no page (yet), or no request to build it in
        return None


def reminded_today(expectation_ids: list[int], today: date) -> set[int]:
    histories = tool().audit.history_many("expectation", expectation_ids)
    return {int(key) for key, entries in histories.items()
            if any(e.action == REMINDED and (e.changes.get("reminded_on") or [None, None])[1] == today.isoformat()
                   for e in entries)}


def remind_overdue(study: Study, *, today: date | None = None) -> int:
    """Notify each owner of overdue expectations of ``study`` not reminded today; how many people
    were notified. Runs in the binder owner's scope; written in the caller's transaction."""
    today = today or utcnow().date()
    with org_scope(study.org_id):
        overdue = [s for s in report(study, today=today).overdue if s.row.owner_id is not None]
        done = reminded_today([s.row.id for s in overdue], today) if overdue else set()
        by_owner: dict[int, list[ExpectationState]] = {}
        for state in overdue:
            if state.row.id not in done:
                by_owner.setdefault(state.row.owner_id, []).append(state)
        notified = 0
        for owner_id, states in sorted(by_owner.items()):
            try:
                tool().notifications.notify([owner_id], kind=OVERDUE.key, subject=_subject(study, states),
                                            body=_body(states, today), link=_link(study))
            except PermissionError:  # the owner left the organization: nobody to remind
                continue
            notified += 1
            for state in states:
                tool().audit.record(entity_type="expectation", entity_id=str(state.row.id), action=REMINDED,
                                    changes={"reminded_on": [None, today.isoformat()]})
        tool().db_session().flush()
    return notified


def _subject(study: Study, states: list[ExpectationState]) -> str:
    noun = "document is" if len(states) == 1 else "documents are"
    return f"{study.name}: {len(states)} expected {noun} overdue"[:200]


def _body(states: list[ExpectationState], today: date) -> str:
    lines = [f"- {s.row.artifact} {s.row.artifact_name} ({s.row.site_label or 'trial level'}), due "
             f"{s.row.due_on.isoformat()} ({(today - s.row.due_on).days} days ago): "
             f"{'filed, not QC-passed' if s.filed else 'missing'}" for s in states[:MAX_LISTED]]
    if len(states) > MAX_LISTED:
        lines.append(f"... and {len(states) - MAX_LISTED} more on the completeness page.")
    return "These expected documents are overdue:\n" + "\n".join(lines)


def remind_overdue_job(progress, *, study_id: int) -> JobResult:
    """Remind owners of overdue documents"""
    study = tool().db_session().get(Study, study_id)
    if study is None:
        return JobResult(summary="The binder is not there any more.")
    progress(0, 1, "Finding overdue documents")
    notified = remind_overdue(study)
    progress(1, 1)
    return JobResult(summary=f"{notified} owner(s) reminded of overdue documents.", link=_link(study),
                     data={"notified": notified})


#: merged into ``services.jobs.JOB_HANDLERS``
REMINDER_JOBS: dict = {"remind_overdue": remind_overdue_job}
