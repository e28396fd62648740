"""``tool().jobs``: the host's :class:`sdk.jobs.Jobs`, bound to one tool's key."""
from __future__ import annotations

import json
from functools import partial

from flask import current_app

from sdk.jobs import MAX_PARAMS_BYTES, JobRef, Jobs
from sdk.models import utcnow
from sdk.services import EXTENSION_KEY as SERVICES_KEY
from sdk.tenancy import current_org_id

from ..after_commit import after_commit
from ..db import db_session
from .handlers import job_handler, job_label
from .models import Job
from .queue import QUEUE_KEY
from .refs import job_ref, tool_job


def _checked_params(params: dict) -> dict:
    """The parameters as JSON will store them; refuses ORM objects, dates and the like."""
    try:
        text = json.dumps(params, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"job parameters must be JSON values (ids, strings, numbers, lists, dicts): {exc}") from None
    if len(text.encode()) > MAX_PARAMS_BYTES:
        raise TypeError(f"job parameters take at most {MAX_PARAMS_BYTES} bytes of JSON; "
                        "keep files in storage and pass their keys")
    return json.loads(text)


def _org_slug() -> str | None:
    org = current_app.extensions[SERVICES_KEY].current_org()
    return org.slug if org is not None else None


class HostJobs(Jobs):
    def __init__(self, key: str):
        self.key = key

    def start(self, kind: str, **params) -> JobRef:
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("a job needs an organization in scope")
        function = job_handler(self.key, kind)
        if function is None:
            raise KeyError(f"tool {self.key!r} declares no job {kind!r} (hook job_handlers)")
        user = current_app.extensions[SERVICES_KEY].current_user()
        now = utcnow()
        session = db_session()
        job = Job(org_id=org_id, user_id=user.id if user else None, tool_key=self.key, kind=kind,
                  label=job_label(function, kind), params=_checked_params(params), status="queued",
                  done=0, message="Waiting to start", created_at=now, updated_at=now)
        session.add(job)
        session.flush()
        queue = current_app.extensions[QUEUE_KEY]
        after_commit(session, partial(queue.enqueue_job, job.id, org_id), f"queueing job {job.id} of org {org_id}")
        return job_ref(job, _org_slug())

    def get(self, job_id: int) -> JobRef | None:
        if current_org_id() is None:
            return None
        job = tool_job(db_session(), self.key, job_id)
        return job_ref(job, _org_slug()) if job is not None else None
