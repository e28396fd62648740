"""A level-2 test tool with background jobs ("jobber"), its organizations and people, and a real
worker (huey's consumer threads) on the embedded SQLite queue or on Redis.

jobber's page starts a job from a form, as a tool's page would; its jobs count (step by step,
each step let go by the test through a gate, so that a test sees the progress between steps),
refuse with a message, or crash. The web app and the worker are two apps on one database, as two
processes would be; they share the queue through its file or its Redis URL only.
"""
from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import uuid4

import pytest
from flask import Blueprint, redirect, render_template_string, request, url_for

from host.jobs.consumer import create_consumer
from sdk import tool
from sdk.jobs import JobFailed, JobResult
from sdk.testing import submit_form
from tests.generated_tools import make_tool
from tests.runtime_fixtures import signed_in, support_of

REDIS_ENV = "TRIALOFFICE_TEST_REDIS_URL"
TOOL = "jobber"
#: Gates the counting job waits at, one release per step, by name (the job's ``gate`` parameter).
GATES: dict[str, threading.Semaphore] = {}


def count(progress, *, steps: int, gate: str | None = None):
    """Count to a number"""
    for step in range(1, steps + 1):
        if gate is not None and not GATES[gate].acquire(timeout=30):
            raise RuntimeError("the test never let the step go")
        progress(step, steps, f"Counted {step}")
    tool().audit.record(entity_type="count", entity_id=str(steps), action="counted")
    user = tool().current_user()
    return JobResult(summary=f"Counted to {steps}.", link=url_for("jobber.counted", steps=steps),
                     data={"counted": steps, "user": user.email if user else None,
                           "org": tool().current_org().slug})


def refuse(progress, *, reason: str):
    """Refuse politely"""
    tool().audit.record(entity_type="count", entity_id="0", action="half-done")
    raise JobFailed(reason)


def crash(progress):
    progress(1, 2, "Halfway")
    raise RuntimeError("secret internals at /srv/app/db.py line 42")


def link_to(progress, *, link: str):
    """Link somewhere"""
    return JobResult(summary="Linked.", link=link)


def write_then_report(progress):
    """Write, then report"""
    tool().audit.record(entity_type="count", entity_id="9", action="written")
    tool().db_session().flush()  # on SQLite the job's transaction now holds the write lock
    progress(1, 2, "Written")
    return JobResult(summary="Written.")


HANDLERS = {"count": count, "refuse": refuse, "crash": crash, "link_to": link_to,
            "write_then_report": write_then_report}
FORM = """<form method="post" action="{{ url_for('jobber.start') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="kind"><input name="params"><button type="submit">Start</button></form>"""


def _blueprint() -> Blueprint:
    bp = Blueprint("jobber", __name__)
    bp.add_url_rule("/", "index", lambda: render_template_string(FORM))
    bp.add_url_rule("/counted/<int:steps>", "counted", lambda steps: f"counted to {steps}")

    @bp.post("/start")
    def start():
        job = tool().jobs.start(request.form["kind"], **json.loads(request.form.get("params") or "{}"))
        tool().db_session().commit()
        return redirect(job.url)

    return bp


def jobber(**hooks):
    return make_tool(TOOL, api_level=2, pages=False, tool_blueprint=_blueprint,
                     job_handlers=lambda: dict(HANDLERS), **hooks)


def progress_bar(page: str) -> str | None:
    """The value of the progress page's bar; None while it shows no value (unknown progress)."""
    tag = re.search(r'<progress id="job-progress"[^>]*>', page)
    assert tag, "no progress bar on the page"
    value = re.search(r'\bvalue="(\d+)"', tag.group(0))
    return value.group(1) if value else None


@dataclass
class JobWorld:
    app: object
    acme: object
    other: object
    owner: object
    member: object
    client: object
    member_client: object
    other_client: object
    modules: tuple
    config: dict

    def start(self, kind: str, client=None, **params):
        """Start a job through jobber's page, as a person would; returns the answer (a redirect)."""
        return submit_form(client or self.client, "/o/acme/jobber/",
                           {"kind": kind, "params": json.dumps(params)})

    def job(self, response_or_id, client=None) -> dict:
        """The job's JSON status (from the host's API)."""
        job_id = response_or_id if isinstance(response_or_id, int) else \
            int(response_or_id.headers["Location"].rsplit("/", 1)[-1])
        answer = (client or self.client).get(f"/api/v1/o/acme/jobs/{job_id}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()

    def wait_for(self, job_id: int, check, timeout: float = 30.0) -> dict:
        """Poll the job's status until ``check(job)`` holds; fails the test after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if check(job):
                return job
            if time.monotonic() > deadline:
                pytest.fail(f"job {job_id} never got there; last seen: {job}")
            time.sleep(0.05)


@pytest.fixture
def make_job_world(app_with, fast_user):
    """``make_job_world(*modules, **config)``: an app with jobber (and ``modules``); acme (owner and
    a member, both signed in) and other (its owner signed in), jobber licensed in both."""

    def build(*modules, **config) -> JobWorld:
        app = app_with(jobber(), *modules, **config)
        support = support_of(app)
        owner, member = fast_user("owner@acme.org"), fast_user("member@acme.org")
        other_owner = fast_user("owner@other.org")
        acme = support.create_org("acme", owner=owner)
        other = support.create_org("other", owner=other_owner)
        support.add_member(acme, member)
        for org in (acme, other):
            support.grant_license(org, TOOL, enable=True)
        return JobWorld(app, acme, other, owner, member, signed_in(app, owner), signed_in(app, member),
                        signed_in(app, other_owner), modules, config)

    return build


@pytest.fixture(params=["sqlite", "redis"])
def queue_config(request, tmp_path) -> dict:
    """Worker-mode settings on each backend: the embedded SQLite file, and Redis
    (``TRIALOFFICE_TEST_REDIS_URL``; skipped without it, except in CI, where it must be set)."""
    if request.param == "sqlite":
        return {"JOBS_MODE": "worker", "JOBS_QUEUE_FILE": str(tmp_path / "job_queue.db")}
    url = os.environ.get(REDIS_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the job tests on Redis: set {REDIS_ENV} (scripts/ci-services.sh)")
        pytest.skip(f"no Redis: set {REDIS_ENV}, e.g. redis://127.0.0.1:6379/0")
    return {"JOBS_MODE": "worker", "REDIS_URL": url, "JOBS_QUEUE_NAME": f"trialoffice-test-{uuid4().hex[:12]}"}


@contextmanager
def running_worker(world: JobWorld, app_with, *, workers: int = 1):
    """``trialoffice worker`` in threads: an app of its own on the world's database and queue,
    and huey's consumer started with it; stopped (gracefully) and its queue emptied afterwards."""
    app = app_with(jobber(), *world.modules, **world.config)
    consumer = create_consumer(app, workers=workers)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()  # sets the process's signal handlers (it expects to own the process): put back
    for number, handler in handlers.items():
        signal.signal(number, handler)
    try:
        yield consumer
    finally:
        for gate in GATES.values():
            gate.release(100)  # a job still waiting at a gate ends, so the workers can stop
        consumer.stop(graceful=True)
        app.extensions["trialoffice.jobs"].huey.flush()
