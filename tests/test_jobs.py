"""Background jobs (``sdk.jobs``, ``host.jobs``) in the default, immediate mode: a job started from
a tool's page has run by the time the page redirects to its progress page. What each person and
organization may see, how a failure reads, and the contract of ``tool().jobs``.
The same jobs on a real worker, on SQLite and on Redis: ``test_jobs_worker.py``."""
from __future__ import annotations

import logging
import time
from datetime import date

import pytest
from sqlalchemy import select

from host.compliance.trail import record_history
from host.db import get_db
from host.jobs.models import Job
from host.jobs.runner import UNEXPECTED, run_job
from host.models import Membership
from sdk import org_scope, services, tool
from sdk.jobs import JobRef
from sdk.tool import host_runs_tool
from tests.job_fixtures import TOOL, progress_bar


@pytest.fixture
def world(make_job_world):
    return make_job_world()


def job_id_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].startswith("/o/acme/jobs/")
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def audit_actions(world, entity_id: str) -> list[tuple[str, str]]:
    with world.app.app_context(), org_scope(world.acme.id):
        entries = record_history(get_db(world.app).session, world.acme.id, TOOL, "count", entity_id)
        return [(entry.action, entry.actor_label) for entry in entries]


def test_a_job_started_from_a_page_runs_as_its_person_and_ends_with_its_result(world):
    r = world.start("count", steps=3)
    job_id = job_id_of(r)
    job = world.job(job_id)
    assert (job["status"], job["done"], job["total"], job["percent"]) == ("succeeded", 3, 3, 100)
    assert job["label"] == "Count to a number" and job["tool"] == TOOL and job["kind"] == "count"
    assert job["result"] == {"summary": "Counted to 3.", "link": "/o/acme/jobber/counted/3",
                             "data": {"counted": 3, "user": "owner@acme.org", "org": "acme"}}
    assert job["error"] is None and job["started_at"] and job["finished_at"]
    assert job["url"] == f"/o/acme/jobs/{job_id}" and job["status_url"] == f"/api/v1/o/acme/jobs/{job_id}"
    page = world.client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Count to a number" in page and "Finished" in page and progress_bar(page) == "100"
    assert "Counted to 3." in page and 'href="/o/acme/jobber/counted/3"' in page
    assert audit_actions(world, "3") == [("counted", "owner@acme.org")]


def test_a_refused_job_shows_its_message_and_keeps_none_of_its_writes(world):
    job_id = job_id_of(world.start("refuse", reason="The list is empty; add names first."))
    job = world.job(job_id)
    assert (job["status"], job["error"], job["result"]) == ("failed", "The list is empty; add names first.", None)
    page = world.client.get(f"/o/acme/jobs/{job_id}").get_data(as_text=True)
    assert 'role="alert" id="job-error">The list is empty; add names first.</div>' in page
    assert audit_actions(world, "0") == []


def test_a_crash_reads_as_a_plain_message_and_its_details_go_to_the_log(world, caplog):
    with caplog.at_level(logging.ERROR, logger="host.jobs.runner"):
        job_id = job_id_of(world.start("crash"))
    job = world.job(job_id)
    assert job["status"] == "failed" and job["error"] == UNEXPECTED.format(id=job_id)
    assert (job["done"], job["total"]) == (1, 2)  # as far as it got
    page = world.client.get(f"/o/acme/jobs/{job_id}").get_data(as_text=True)
    for shown in (page, str(job)):
        assert "secret internals" not in shown and "Traceback" not in shown and "RuntimeError" not in shown
    [record] = [r for r in caplog.records if r.name == "host.jobs.runner"]
    assert "secret internals at /srv/app/db.py" in caplog.text and record.exc_info is not None


@pytest.mark.parametrize("link, status", [
    ("/o/acme/jobber/counted/1", "succeeded"), ("//evil.example/phish", "failed"),
    ("/\\evil.example/phish", "failed"), ("https://evil.example/", "failed"),
    ("javascript:alert(1)", "failed"), ("/o/acme/ jobber", "failed"),
])
def test_a_result_links_only_inside_the_app(world, link, status):
    job = world.job(job_id_of(world.start("link_to", link=link)))
    assert job["status"] == status
    assert job["result"] == ({"summary": "Linked.", "link": link, "data": {}} if status == "succeeded" else None)


def test_another_organization_sees_nothing_of_the_job(world):
    job_id = job_id_of(world.start("count", steps=1))
    for client, org in ((world.other_client, "other"), (world.other_client, "acme")):
        assert client.get(f"/o/{org}/jobs/{job_id}").status_code == 404
        assert client.get(f"/api/v1/o/{org}/jobs/{job_id}").status_code == 404
    assert world.other_client.get("/api/v1/o/other/jobs").get_json() == {"jobs": []}
    assert world.other_client.get("/api/v1/o/acme/jobs").status_code == 404
    with world.app.test_request_context(), org_scope(world.other.id), host_runs_tool(TOOL):
        assert tool().jobs.get(job_id) is None
    with world.app.test_request_context(), org_scope(world.acme.id):
        assert services().handle_for(TOOL).jobs.get(job_id).status == "succeeded"
        assert services().handle_for("testtool").jobs.get(job_id) is None  # only the tool that started it


def test_a_member_sees_their_own_jobs_and_owners_see_every_job(world):
    mine = job_id_of(world.start("count", steps=1, client=world.member_client))
    owners = job_id_of(world.start("count", steps=2))
    assert world.job(mine, client=world.member_client)["result"]["data"]["user"] == "member@acme.org"
    assert world.member_client.get(f"/o/acme/jobs/{owners}").status_code == 404
    assert world.member_client.get(f"/api/v1/o/acme/jobs/{owners}").status_code == 404
    assert world.client.get(f"/o/acme/jobs/{mine}").status_code == 200
    listed = world.member_client.get("/api/v1/o/acme/jobs").get_json()["jobs"]
    assert [job["id"] for job in listed] == [mine]
    page = world.client.get("/o/acme/jobs").get_data(as_text=True)
    assert f'href="/o/acme/jobs/{owners}"' in page and f'href="/o/acme/jobs/{mine}"' not in page
    assert [job["id"] for job in world.client.get("/api/v1/o/acme/jobs?limit=1").get_json()["jobs"]] == [owners]
    assert world.client.get("/api/v1/o/acme/jobs?limit=0").status_code == 422


def test_a_job_is_queued_when_its_transaction_commits_and_never_if_it_rolls_back(world):
    with world.app.app_context(), org_scope(world.acme.id), host_runs_tool(TOOL):
        dropped = tool().jobs.start("count", steps=5)
        assert dropped.status == "queued" and dropped.url is None  # no request: no page to link
        tool().db_session().rollback()
        kept = tool().jobs.start("count", steps=4)
        savepoint = tool().db_session().begin_nested()
        tool().jobs.start("count", steps=6)
        savepoint.rollback()
        assert tool().jobs.get(kept.id).status == "queued"
        tool().db_session().commit()
        finished = tool().jobs.get(kept.id)
        assert tool().db_session().scalars(select(Job.params)).all() == [{"steps": 4}]
    assert finished.status == "succeeded" and finished.result.data["user"] is None  # started by nobody
    assert audit_actions(world, "4") == [("counted", f"job {kept.id} (jobber)")]
    assert audit_actions(world, "5") == audit_actions(world, "6") == []


def test_a_report_made_while_the_job_holds_the_write_lock_never_blocks_it(world):
    """SQLite has one writer: the report waits a moment, is kept back, and the job goes on."""
    started = time.monotonic()
    job = world.job(job_id_of(world.start("write_then_report")))
    assert job["status"] == "succeeded" and (job["done"], job["total"]) == (2, 2)
    assert time.monotonic() - started < 10  # not the 30 s of SQLite's lock timeout
    assert audit_actions(world, "9") == [("written", "owner@acme.org")]


def test_a_job_runs_once_however_often_the_queue_hands_it_over(world):
    job_id = job_id_of(world.start("count", steps=2))
    run_job(world.app, job_id, world.acme.id)
    run_job(world.app, job_id, world.other.id)  # another organization's scope finds no such job
    assert audit_actions(world, "2") == [("counted", "owner@acme.org")]


def test_a_job_whose_person_left_the_organization_fails_with_a_message(world):
    with world.app.app_context(), org_scope(world.acme.id):
        session = get_db(world.app).session
        session.delete(session.scalars(select(Membership).where(Membership.user_id == world.member.id)).one())
        session.commit()
    with world.app.test_request_context(), org_scope(world.acme.id), host_runs_tool(TOOL):
        job = Job(org_id=world.acme.id, user_id=world.member.id, tool_key=TOOL, kind="count",
                  label="Count", params={"steps": 1}, status="queued", message="")  # queued before they left
        tool().db_session().add(job)
        tool().db_session().commit()
        run_job(world.app, job.id, world.acme.id)
        failed = tool().jobs.get(job.id)
    assert failed.status == "failed" and failed.error == "The person who started this job is no longer a member of Acme."


@pytest.mark.parametrize("params, problem", [
    ({"when": date(2026, 1, 1)}, "job parameters must be JSON values"),
    ({"steps": float("nan")}, "job parameters must be JSON values"),
    ({"blob": "x" * 70_000}, "keep files in storage and pass their keys"),
])
def test_parameters_are_json_values_and_the_kind_must_be_declared(world, params, problem):
    with world.app.test_request_context(), org_scope(world.acme.id), host_runs_tool(TOOL):
        with pytest.raises(TypeError, match=problem):
            tool().jobs.start("count", **params)
        with pytest.raises(KeyError, match="declares no job 'counting'"):
            tool().jobs.start("counting", steps=1)


def test_the_job_status_is_documented_in_the_openapi_document(world):
    doc = world.client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/o/{org}/jobs/{job_id}"]["get"]
    assert {"200", "401", "404"} <= set(operation["responses"])
    schema = doc["components"]["schemas"]["Job"]
    fields = JobRef.__dataclass_fields__
    assert set(schema["properties"]) == set(JobRef(**{name: None for name in fields}).as_json())
    assert "/api/v1/o/{org}/jobs" in doc["paths"]
    upload = doc["paths"]["/api/v1/o/{org}/site_select/imports"]["post"]
    assert "202" in upload["responses"] and "201" not in upload["responses"]


def test_the_progress_page_polls_with_a_script_file(world):
    job_id = job_id_of(world.start("count", steps=1))
    page = world.client.get(f"/o/acme/jobs/{job_id}").get_data(as_text=True)
    assert f'data-job-status-url="/api/v1/o/acme/jobs/{job_id}"' in page
    assert '<script src="/static/jobs.js" defer></script>' in page
    assert world.client.get("/static/jobs.js").status_code == 200


def test_the_worker_command_explains_itself_and_needs_the_worker_mode(world, invoke):
    from host.jobs.consumer import create_consumer

    result = invoke("worker", "--help")
    assert result.exit_code == 0 and "TRIALOFFICE_REDIS_URL" in result.output and "--workers" in result.output
    with pytest.raises(RuntimeError, match="TRIALOFFICE_JOBS=worker"):
        create_consumer(world.app)
