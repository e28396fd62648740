"""Benchmark: randomizing subjects through rtsm's JSON API, against the scheme alone.

Sets up a study (arms 2:1, --sites sites, stratified blocks by site and sex with block sizes 3
and 6, or --scheme minimization by site and sex), serves the app on a loopback port with a real
HTTP server (werkzeug, threaded, as the browser tests do) and randomizes subjects with
``POST /api/v1/o/<org>/rtsm/studies/<id>/randomize`` and an API token: --subjects requests from
1 client, then --subjects from --clients concurrent clients (threads, each with its own
keep-alive connection). Each randomization is the whole request: the token, the gate, the
serializing counter update, the sealed list read, the allocation's insert and audit entry, the
``rtsm.subject_randomized`` event through the outbox (delivered after the commit) and the answer.

Then prints the randomizations per second of the scheme alone
(``plugins.rtsm.domain.simulation.randomize_in_process``: the stratum lookup and list read, or
one minimization step, with no HTTP and no database) and the ratios. Checks on the way that every
answer was 201 with a distinct randomization number. No kit list: the study dispenses no kits.

SQLite in a temporary folder by default; ``--database-url`` for PostgreSQL (an empty database:
the benchmark drops and rebuilds its public schema). Run from the repository root:

    python bench/rtsm_randomize.py [--subjects 300 --clients 8]
    python bench/rtsm_randomize.py --database-url postgresql+psycopg://user:pw@127.0.0.1:5432/emptydb
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import tempfile
import threading
import time

import requests
from sqlalchemy import create_engine, text

from host import create_app
from host.db import get_db
from host.testing_support import HostTestingSupport
from sdk import org_scope, tool
from sdk.testing.serving import served
from sdk.tool import host_runs_tool

ARMS = [{"code": "A", "name": "Active", "ratio": 2}, {"code": "P", "name": "Placebo", "ratio": 1}]
SCHEMES = {
    "stratified_block": {"type": "stratified_block", "block_sizes": [3, 6], "strata": ["site", "sex"],
                         "factors": {"sex": ["F", "M"]}},
    "minimization": {"type": "minimization", "factors": {"site": [], "sex": ["F", "M"]}, "p": 0.8},
}


def empty_postgres(url: str) -> None:
    """Start from nothing, as the test harness does with its server databases."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build(url: str, folder: str, scheme: dict, sites: list[str]):
    """The app, a sponsor whose owner randomizes, its study; (app, org slug, study id, token, config, seed)."""
    os.environ["TRIALOFFICE_INSTANCE_PATH"] = folder  # keys and queues in the temporary folder
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "VAULT_KEY": secrets.token_hex(32),
                      "STORAGE_DIR": folder, "SESSION_COOKIE_SECURE": False})
    support = HostTestingSupport(app)
    support.migrate()
    support.reset()
    owner = support.create_user("owner@bench.example.org")
    org = support.create_org("bench", owner=owner)
    support.grant_license(org, "rtsm", enable=True)
    from plugins.rtsm.services import schemes, studies

    with app.test_request_context(), org_scope(org.id), host_runs_tool("rtsm"):
        study = studies.create_study({"name": "Bench", "protocol": "BENCH-1", "arms": ARMS, "sites": sites,
                                      "scheme": scheme})
        config = schemes.config_of(schemes.current(study))
        study_id = study.id
        tool().db_session().commit()
    return app, org.slug, study_id, support.issue_token(org, owner), config


def subjects(prefix: str, count: int, sites: list[str], seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [{"subject": f"{prefix}-{i:06d}", "site": rng.choice(sites), "factors": {"sex": rng.choice("FM")}}
            for i in range(count)]


def randomize_all(url: str, token: str, bodies: list[dict], clients: int) -> tuple[float, list[dict], list[str]]:
    """Seconds for ``clients`` threads to randomize ``bodies``; the answers and any failures."""
    answers: list[dict] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(share: list[dict]) -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            for body in share:
                response = http.post(url, json=body, timeout=120)
                with lock:
                    if response.status_code == 201:
                        answers.append(response.json())
                    else:
                        failures.append(f"{body['subject']}: {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=client, args=(bodies[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, answers, failures


def check(label: str, answers: list[dict], failures: list[str], expected: int) -> None:
    sequences = [answer["sequence"] for answer in answers]
    if failures or len(set(sequences)) != expected or any("arm" in answer for answer in answers):
        raise SystemExit(f"{label}: {len(failures)} failed ({failures[:3]}), {len(set(sequences))} distinct "
                         f"randomization numbers of {expected}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=300, help="randomizations per run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the second run")
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--scheme", choices=sorted(SCHEMES), default="stratified_block")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL of an EMPTY database (its public schema is dropped); default SQLite")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    folder = tempfile.mkdtemp(prefix="rtsm-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql"):
        empty_postgres(url)
    sites = [f"S{n:02d}" for n in range(1, args.sites + 1)]
    app, slug, study_id, token, config = build(url, folder, SCHEMES[args.scheme], sites)
    from plugins.rtsm.domain.lists import new_seed
    from plugins.rtsm.domain.simulation import randomize_in_process

    database = get_db(app).engine.dialect.name
    print(f"database: {database}; scheme: {args.scheme} (2:1, {args.sites} sites); "
          f"{args.subjects} randomizations per run; werkzeug threaded server, API token")
    with served(app) as base:
        endpoint = f"{base}/api/v1/o/{slug}/rtsm/studies/{study_id}/randomize"
        randomize_all(endpoint, token, subjects("WARM", 20, sites, 0), 1)  # connections, caches, first lists
        rates = {}
        for run, clients in enumerate((1, args.clients), start=1):
            bodies = subjects(f"R{run}", args.subjects, sites, run)
            seconds, answers, failures = randomize_all(endpoint, token, bodies, clients)
            check(f"{clients} client(s)", answers, failures, args.subjects)
            rates[clients] = args.subjects / seconds
    alone = randomize_in_process(config, new_seed(), 10_000, sites)
    for clients, rate in rates.items():
        label = f"JSON API, {clients} client{'s' if clients > 1 else ''}"
        print(f"{label:<44}{rate:>12,.1f} randomizations/s   ({1000 / rate:6.1f} ms per randomization)")
    print(f"{'scheme alone, in process (the limit)':<44}{alone:>12,.0f} randomizations/s")
    one, many = rates[1], rates[args.clients]
    print(f"ratios: {args.clients} clients / 1 client = {many / one:.2f}; API 1 client / scheme alone = "
          f"{one / alone:.5f} (the scheme is {alone / one:,.0f} x faster); API {args.clients} clients / "
          f"scheme alone = {many / alone:.5f}")
    get_db(app).dispose()


if __name__ == "__main__":
    main()
