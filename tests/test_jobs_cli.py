"""``trialoffice worker`` as an operator runs it: a process of its own, configured by the same
TRIALOFFICE_* variables as the web process, runs the site_select import a person started on the
web, on the embedded SQLite queue and on Redis, and stops cleanly on SIGTERM."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest

from sdk.testing import submit_form
from tests.runtime_fixtures import signed_in, support_of

AACT = {"studies.txt": "nct_id|phase|start_date\nNCT1|PHASE2|2021-01-01\n",
        "conditions.txt": "nct_id|name\nNCT1|Asthma\n",
        "facilities.txt": "id|nct_id|name|city|country\n1|NCT1|Hospital Clinic|Barcelona|Spain\n"}


def _environment(app, config: dict, instance) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRIALOFFICE_")}
    env.update(TRIALOFFICE_DATABASE_URL=app.config["DATABASE_URL"], TRIALOFFICE_SECRET_KEY=app.config["SECRET_KEY"],
               TRIALOFFICE_STORAGE_DIR=app.config["STORAGE_DIR"], TRIALOFFICE_INSTANCE_PATH=str(instance),
               TRIALOFFICE_JOBS="worker", TRIALOFFICE_LOAD_PLUGINS="site_select")
    if config.get("REDIS_URL"):
        env.update(TRIALOFFICE_REDIS_URL=config["REDIS_URL"], TRIALOFFICE_JOBS_QUEUE_NAME=config["JOBS_QUEUE_NAME"])
    else:
        env.update(TRIALOFFICE_JOBS_QUEUE_FILE=config["JOBS_QUEUE_FILE"])
    return env


def test_the_worker_command_runs_an_import_started_on_the_web(app_with, fast_user, queue_config, tmp_path):
    web = app_with(**queue_config)
    owner = fast_user("owner@acme.org")
    acme = support_of(web).create_org("acme", owner=owner)
    support_of(web).grant_license(acme, "site_select", enable=True)
    client = signed_in(web, owner)
    form = {"files": [(io.BytesIO(text.encode()), name) for name, text in AACT.items()]}
    started = submit_form(client, "/o/acme/site_select/imports", form)
    status_url = "/api/v1" + started.headers["Location"]
    assert client.get(status_url).get_json()["status"] == "queued"

    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen([sys.executable, "-m", "host.cli", "worker", "--workers", "1"],
                                  env=_environment(web, queue_config, tmp_path / "worker-instance"),
                                  stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while (job := client.get(status_url).get_json())["status"] in ("queued", "running"):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not run the job ({job}); its output:\n{log.read_text()}")
            time.sleep(0.1)
    finally:
        worker.terminate()
        exit_code = worker.wait(timeout=20)
    assert job["status"] == "succeeded", (job, log.read_text())
    assert job["result"]["summary"] == "Imported 1 new sites and 1 trial records; 0 rows rejected."
    assert client.get(job["result"]["link"]).status_code == 200
    sites = client.get("/api/v1/o/acme/site_select/sites").get_json()["sites"]
    assert [site["name"] for site in sites] == ["Hospital Clinic"]
    assert exit_code == 0, log.read_text()
    assert "Worker: 1 thread(s) on the" in log.read_text()
