"""Jobs on a real worker (huey's consumer, in threads, with an app of its own), on the embedded
SQLite queue and on Redis: a job started from a page is queued, reports its progress while it
runs and ends with its result or its failure; the worker also delivers the events outbox, woken
through the queue after each commit and by its own poll."""
from __future__ import annotations

import threading
from uuid import uuid4

import pytest

from host.jobs.runner import UNEXPECTED
from sdk import org_scope, services
from sdk.events import EVENT_CATALOG, EventSpec
from tests.generated_tools import make_tool
from tests.job_fixtures import GATES, progress_bar, running_worker

EVENT = "qa.counted"


def job_id_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def test_a_job_started_from_a_page_reports_progress_and_ends_with_its_result(make_job_world, queue_config,
                                                                            app_with):
    world = make_job_world(**queue_config)
    gate = uuid4().hex
    GATES[gate] = threading.Semaphore(0)
    job_id = job_id_of(world.start("count", steps=3, gate=gate))
    assert world.job(job_id)["status"] == "queued"  # no worker yet: it waits in the queue
    waiting = world.client.get(f"/o/acme/jobs/{job_id}").get_data(as_text=True)
    assert "Waiting to start" in waiting and progress_bar(waiting) is None
    with running_worker(world, app_with):
        world.wait_for(job_id, lambda job: job["status"] == "running")
        GATES[gate].release()
        job = world.wait_for(job_id, lambda job: job["done"] == 1)
        assert (job["status"], job["total"], job["percent"], job["message"]) == ("running", 3, 33, "Counted 1")
        page = world.client.get(f"/o/acme/jobs/{job_id}").get_data(as_text=True)
        assert "Running" in page and progress_bar(page) == "33" and "Counted 1 (1 of 3)" in page
        GATES[gate].release(2)
        job = world.wait_for(job_id, lambda job: job["status"] != "running")
    assert (job["status"], job["done"], job["percent"]) == ("succeeded", 3, 100)
    assert job["result"]["data"] == {"counted": 3, "user": "owner@acme.org", "org": "acme"}
    page = world.client.get(f"/o/acme/jobs/{job_id}").get_data(as_text=True)
    assert "Counted to 3." in page and 'href="/o/acme/jobber/counted/3"' in page


def test_a_failing_job_shows_its_message(make_job_world, queue_config, app_with):
    world = make_job_world(**queue_config)
    refused = job_id_of(world.start("refuse", reason="Nothing to count."))
    crashed = job_id_of(world.start("crash"))
    with running_worker(world, app_with, workers=2):
        refused_job = world.wait_for(refused, lambda job: job["status"] == "failed")
        crashed_job = world.wait_for(crashed, lambda job: job["status"] == "failed")
    assert refused_job["error"] == "Nothing to count."
    assert crashed_job["error"] == UNEXPECTED.format(id=crashed) and crashed_job["done"] == 1
    page = world.client.get(f"/o/acme/jobs/{crashed}").get_data(as_text=True)
    assert "unexpected error" in page and "secret internals" not in page
    assert world.other_client.get(f"/api/v1/o/other/jobs/{refused}").status_code == 404


@pytest.fixture
def counted_event(monkeypatch):
    monkeypatch.setitem(EVENT_CATALOG, EVENT, EventSpec(EVENT, "Something was counted.", {"n": int}))
    received = []
    listener = make_tool("listener", handlers={EVENT: lambda event: received.append(event.payload["n"])})
    return listener, received


def emit(world, n: int) -> None:
    with world.app.app_context(), org_scope(world.acme.id):
        services().events.emit(EVENT, {"n": n})
        services().db_session().commit()


def test_the_worker_delivers_the_outbox_woken_through_the_queue(make_job_world, queue_config, app_with,
                                                                counted_event):
    listener, received = counted_event
    world = make_job_world(listener, **queue_config)
    world.app.extensions["trialoffice.testing"].grant_license(world.acme, "listener", enable=True)
    emit(world, 1)
    huey = world.app.extensions["trialoffice.jobs"].huey
    assert received == []  # the commit only queued a delivery round
    assert [type(task).__name__ for task in huey.pending()] == ["deliver_outbox"]
    with running_worker(world, app_with):
        world_wait(lambda: received == [1])
        emit(world, 2)
        world_wait(lambda: received == [1, 2])


def test_the_worker_polls_the_outbox_when_a_wake_was_lost(make_job_world, queue_config, app_with,
                                                          counted_event, monkeypatch):
    listener, received = counted_event
    world = make_job_world(listener, OUTBOX_POLL_SECONDS=1, **queue_config)
    world.app.extensions["trialoffice.testing"].grant_license(world.acme, "listener", enable=True)
    queue = world.app.extensions["trialoffice.jobs"]
    monkeypatch.setattr(queue, "enqueue_outbox_delivery", lambda: (_ for _ in ()).throw(ConnectionError("down")))
    emit(world, 7)  # the wake fails (logged); the delivery waits in the outbox
    assert received == [] and len(queue.huey.pending()) == 0
    with running_worker(world, app_with):
        world_wait(lambda: received == [7])


def world_wait(check, timeout: float = 30.0) -> None:
    event = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        event.wait(0.05)
    pytest.fail("the worker never delivered")
