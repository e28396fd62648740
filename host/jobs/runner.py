"""Running one job from the queue to its end: claimed, run as its tool and person, recorded.

The queue may hand a job over twice (a worker that died mid-task, a re-delivered message): only
a job still ``queued`` is claimed, by one conditional UPDATE, so it runs once. The function's
writes are committed with the job's ``succeeded`` status in one transaction; when it raises,
they are rolled back and the job is marked ``failed`` with a message for the person (the
traceback goes to the log, never to the page).
"""
from __future__ import annotations

import contextvars
import json
import logging

from flask import Flask
from sqlalchemy import update

from sdk.jobs import MAX_LINK_LENGTH, MAX_SUMMARY_LENGTH, JobFailed, JobResult
from sdk.models import utcnow
from sdk.tenancy import org_scope
from sdk.tool import host_runs_tool

from ..db import get_db
from .context import as_person, own_session, person_of
from .handlers import job_handler
from .models import Job
from .progress import ProgressReporter

log = logging.getLogger(__name__)

UNEXPECTED = ("The job stopped because of an unexpected error. It was logged for the operators; "
              "try again, and if it fails again, tell your administrator (job {id}).")


def run_job(app: Flask, job_id: int, org_id: int) -> None:
    """The queue's task: run job ``job_id`` of organization ``org_id`` if it is still queued.

    In a context of its own (:mod:`.context`): nothing of a request it may run inline in (its
    organization scope, running tool, actor, Flask contexts or database session) reaches the job.
    """
    with own_session(get_db(app)):
        contextvars.Context().run(_run_in_own_context, app, job_id, org_id)


def _run_in_own_context(app: Flask, job_id: int, org_id: int) -> None:
    database = get_db(app)
    with app.app_context(), org_scope(org_id):
        session = database.session
        if not _claim(session, job_id):
            log.info("job %s of org %s is not queued (already run, or gone); skipped", job_id, org_id)
            return
        reporter = ProgressReporter(database.engine, job_id, org_id)
        try:
            job = session.get(Job, job_id)
            person, problem = person_of(session, job)
            function = job_handler(job.tool_key, job.kind)
        except Exception:  # the database or the host failed us: never leave the job "running"
            session.rollback()
            log.exception("job %s could not be set up", job_id)
            _record_failure(session, job_id, UNEXPECTED.format(id=job_id), reporter)
            return
        if problem is None and function is None:
            problem = "This tool no longer offers this kind of job."
        if problem is not None:
            _finish(session, job_id, "failed", error=problem)
            return
        with as_person(app, person, job), host_runs_tool(job.tool_key):
            _run(session, job, function, reporter)


def _claim(session, job_id: int) -> bool:
    now = utcnow()
    claimed = session.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                              .values(status="running", started_at=now, updated_at=now,
                                      message="Started"))
    session.commit()
    return claimed.rowcount == 1


def _run(session, job: Job, function, reporter: ProgressReporter) -> None:
    job_id, tool_key, params = job.id, job.tool_key, dict(job.params or {})
    try:
        result = _result_json(function(reporter, **params))
        done, total = reporter.last
        _finish(session, job_id, "succeeded", result=result, done=max(done, total or 0),
                total=total if total is not None else max(done, 1), message="Finished")
    except JobFailed as exc:
        session.rollback()
        log.info("job %s (%s.%s) failed: %s", job_id, tool_key, job.kind, exc.message)
        _record_failure(session, job_id, exc.message or "The job failed.", reporter)
    except Exception:
        session.rollback()
        log.exception("job %s (%s.%s) raised", job_id, tool_key, job.kind)
        _record_failure(session, job_id, UNEXPECTED.format(id=job_id), reporter)


def _result_json(value) -> dict:
    """What the function returned, as the job's ``result``: a :class:`JobResult`, a dict of
    JSON data, or None."""
    if value is None:
        value = JobResult()
    elif isinstance(value, dict):
        value = JobResult(data=value)
    elif not isinstance(value, JobResult):
        raise TypeError(f"a job function returns a JobResult, a dict or None, not {type(value).__name__}")
    link = value.link
    if link is not None and not _is_app_path(link):
        raise ValueError(f"a job result's link is a path inside the app (url_for), not {link!r}")
    result = {"summary": str(value.summary)[:MAX_SUMMARY_LENGTH], "link": link, "data": dict(value.data)}
    return json.loads(json.dumps(result, allow_nan=False))


def _is_app_path(link) -> bool:
    """A path inside the app, as ``url_for`` gives it; never another site (``//host``, ``/\\host``)."""
    return (isinstance(link, str) and link.startswith("/") and not link.startswith("//") and "\\" not in link
            and len(link) <= MAX_LINK_LENGTH and not any(c.isspace() for c in link))


def _record_failure(session, job_id: int, error: str, reporter: ProgressReporter) -> None:
    done, total = reporter.last
    try:
        _finish(session, job_id, "failed", error=error, done=done, total=total)
    except Exception:
        session.rollback()
        log.exception("job %s: its failure could not be recorded", job_id)


def _finish(session, job_id: int, status: str, **values) -> None:
    """Record the end, in the session's current transaction (with the job's writes), and commit."""
    now = utcnow()
    values.setdefault("message", "Failed" if status == "failed" else "Finished")
    session.execute(update(Job).where(Job.id == job_id).values(status=status, finished_at=now,
                                                               updated_at=now, **values))
    session.commit()
