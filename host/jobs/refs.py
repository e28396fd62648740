"""Jobs as tools, pages and the API see them: :class:`sdk.jobs.JobRef`, and who may see which.

A job belongs to the organization that started it (tenant scoping and row-level security keep
every other organization out) and, within it, to its tool and its person: a tool reads only its
own jobs; a member reads the jobs they started, and owners and admins read every job of the
organization. Anyone else gets None, which the pages and the API answer with 404. Each read
reloads the row (``populate_existing``): its progress is written by the job's own sessions.
"""
from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from sdk.jobs import JobRef, JobResult

from .models import Job

RECENT = 20


def job_ref(job: Job, org_slug: str | None = None) -> JobRef:
    """The job's reference; with ``org_slug`` inside a request, its page and status URLs too."""
    links = {}
    if org_slug and has_request_context():
        links = {"url": url_for("jobs.show", org=org_slug, job_id=job.id),
                 "status_url": url_for("api-org-jobs.get_job", org=org_slug, job_id=job.id)}
    result = None
    if job.result is not None:
        result = JobResult(summary=job.result.get("summary") or "", link=job.result.get("link"),
                           data=dict(job.result.get("data") or {}))
    return JobRef(id=job.id, tool=job.tool_key, kind=job.kind, label=job.label, status=job.status,
                  done=job.done, total=job.total, message=job.message, result=result, error=job.error,
                  created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
                  **links)


def tool_job(session: Session, tool_key: str, job_id: int) -> Job | None:
    """Job ``job_id`` of the current organization if ``tool_key`` started it."""
    return session.scalars(select(Job).where(Job.id == job_id, Job.tool_key == tool_key)
                           .execution_options(populate_existing=True)).first()


def visible_job(session: Session, membership, job_id: int) -> Job | None:
    """Job ``job_id`` of the current organization if ``membership`` may see it."""
    query = select(Job).where(Job.id == job_id, Job.org_id == membership.org_id)
    if not membership.is_admin:
        query = query.where(Job.user_id == membership.user_id)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def recent_jobs(session: Session, membership, limit: int = RECENT) -> list[Job]:
    """The jobs ``membership``'s person started in its organization, newest first."""
    return list(session.scalars(select(Job).where(Job.org_id == membership.org_id,
                                                  Job.user_id == membership.user_id)
                                .order_by(Job.id.desc()).limit(limit)))
