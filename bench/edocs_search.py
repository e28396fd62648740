"""Benchmark: edocs full-text search over 10,000 filed documents, on SQLite (FTS5) or PostgreSQL
(tsvector + GIN).

Opens a binder with --sites sites and files --documents generated documents through the filing
service (``documents.file_document``: the storage service, the version row, the audit trail and
the ``extract_text`` job it starts), as the binder's owner. The jobs go to the worker queue
(``TRIALOFFICE_JOBS=worker``) and the benchmark runs the same job function itself, a batch at a
time in one transaction, which spares 10,000 job runs' bookkeeping (own context, status rows)
that has nothing to do with search. The documents are plain-text files of 150 to 600 words
drawn from a clinical vocabulary and 4,000 made-up words with a Zipf-like spread, so some words
are in nearly every document and some in a handful; one in --pdf-every is a PDF (fpdf2), whose
text pypdf extracts. Documents are filed at trial level and at the sites, with titles and tags.

Then times ``GET /api/v1/o/<org>/edocs/search?q=...`` (the whole request: token, gate, the
scoped index query, the documents' access check and the snippets) through the app's test client,
--repeat times for each of a set of searches from rare to common words, a phrase, a left-out word
and a metadata hit, and prints per search and over all the median and 95th percentile latency,
with the number of documents each found; and the ratio of the common to the rare searches.

SQLite in a temporary folder by default; ``--database-url`` for PostgreSQL (an EMPTY database:
the benchmark drops and rebuilds its public schema). Run from the repository root:

    python bench/edocs_search.py [--documents 10000 --repeat 30]
    python bench/edocs_search.py --database-url postgresql+psycopg://user:pw@127.0.0.1:5432/emptydb
"""
from __future__ import annotations

import argparse
import io
import itertools
import logging
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from host import create_app  # noqa: E402
from host.db import get_db  # noqa: E402
from host.testing_support import HostTestingSupport  # noqa: E402
from sdk import tool  # noqa: E402
from sdk.tool import host_runs_tool  # noqa: E402

VOCABULARY = ("patient subject visit dose safety adverse event serious report site investigator protocol "
              "amendment consent form signed monitoring plan randomisation blinding placebo endpoint "
              "primary secondary efficacy laboratory sample storage temperature shipment drug product "
              "batch certificate analysis pharmacy accountability deviation training delegation log "
              "curriculum vitae licence ethics committee approval regulatory authority submission "
              "insurance contract budget payment audit inspection finding corrective action "
              "echocardiography troponin creatinine potassium haemoglobin electrocardiogram "
              "cardiomyopathy arrhythmia levosimendan sacubitril valsartan dapagliflozin spironolactone "
              "hospitalisation mortality dyspnoea oedema ejection fraction natriuretic peptide").split()
ARTIFACTS = [("01.01.01", "trial"), ("02.01.01", "trial"), ("03.01.01", "trial"), ("05.02.04", "site"),
             ("05.03.01", "site"), ("08.01.01", "trial")]
#: 4,000 made-up words after the clinical ones, so the spread has a long tail of rare words
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fe", "gi", "hu", "ja", "ke"]
VOCABULARY += [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES][:4000]
RARE = VOCABULARY[-1]
TAGS = ["urgent", "inspection-ready", "amended", "translated", "wet-ink", "archive"]
SEARCHES = [RARE, "levosimendan", "spironolactone oedema", "patient", "patient visit dose",
            '"ejection fraction"', "troponin -creatinine", "inspection-ready", "nonexistentword"]


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class Upload(io.BytesIO):
    def __init__(self, data: bytes, filename: str):
        super().__init__(data)
        self.filename = filename


#: rank r drawn with weight 1/(r+1): the first words are in every file, the last in a few
CUMULATIVE = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(VOCABULARY))))


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=count))


def pdf_of(body: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, text=body)
    return bytes(pdf.output())


def build(url: str, folder: str, sites: int):
    os.environ["TRIALOFFICE_INSTANCE_PATH"] = folder
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "VAULT_KEY": secrets.token_hex(32),
                      "STORAGE_DIR": folder, "SESSION_COOKIE_SECURE": False, "JOBS_MODE": "worker"})
    support = HostTestingSupport(app)
    support.migrate()  # a new database: no reset (on SQLite it would empty FTS5's shadow tables)
    owner = support.create_user("owner@bench.example.org", name="Bench Owner")
    org = support.create_org("bench", owner=owner)
    support.grant_license(org, "edocs", enable=True)
    token = support.issue_token(org, owner)
    study_id = as_owner(app, org, token, lambda: _open_binder(sites))
    return app, org, token, study_id


def as_owner(app, org, token, fn):
    """``fn()`` as edocs in an API request of the owner, committed."""
    with app.test_request_context(f"/api/v1/o/{org.slug}/edocs/studies",
                                  headers={"Authorization": f"Bearer {token}"}):
        app.preprocess_request()
        with host_runs_tool("edocs"):
            result = fn()
            tool().db_session().commit()
            return result


def _open_binder(sites: int) -> int:
    from plugins.edocs.services import studies

    study = studies.create_study({"name": "Bench binder", "protocol": "BENCH-1",
                                  "sites": [{"code": f"{100 + n}", "name": f"Site {n}", "country": "DE"}
                                            for n in range(1, sites + 1)]})
    return study.id


def file_documents(app, org, token, study_id: int, count: int, sites: int, pdf_every: int, batch: int) -> float:
    from plugins.edocs.models import Study
    from plugins.edocs.services import documents
    from plugins.edocs.services.text_extraction import extract_text

    rng = random.Random(2026)
    started = time.perf_counter()
    for first in range(0, count, batch):
        def file_batch(first=first):
            study = tool().db_session().get(Study, study_id)
            filed = []
            for n in range(first, min(first + batch, count)):
                artifact, level = rng.choice(ARTIFACTS)
                body = f"Document {n}. " + words(rng, rng.randint(150, 600))
                is_pdf = pdf_every and n % pdf_every == 0
                data, name = (pdf_of(body), f"doc{n}.pdf") if is_pdf else (body.encode(), f"doc{n}.txt")
                metadata = {"artifact": artifact, "level": level, "title": f"{words(rng, 3).title()} {n}",
                            "tags": rng.sample(TAGS, rng.randint(0, 2))}
                if level == "site":
                    metadata["site"] = f"{100 + rng.randint(1, sites)}"
                filed.append(documents.file_document(study, metadata, Upload(data, name)).id)
            return filed

        def index_batch(version_ids):
            for version_id in version_ids:
                extract_text(lambda *report, **more: None, version_id=version_id)
        as_owner(app, org, token, lambda: index_batch(as_owner(app, org, token, file_batch)))
        print(f"\r  filed {min(first + batch, count):,} of {count:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_searches(app, org, token, repeat: int) -> dict[str, tuple[list[float], int]]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/o/{org.slug}/edocs/search"
    timings: dict[str, tuple[list[float], int]] = {}
    for query in SEARCHES:
        client.get(url, query_string={"q": query}, headers=headers)  # warm: plan, caches
        seconds, found = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            answer = client.get(url, query_string={"q": query, "limit": 20}, headers=headers)
            seconds.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise SystemExit(f"{query!r}: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
            found = len(answer.get_json()["results"])
        timings[query] = (seconds, found)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--pdf-every", type=int, default=50, help="one document in this many is a PDF (0: none)")
    parser.add_argument("--batch", type=int, default=250, help="documents filed per transaction")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per search")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL of an EMPTY database (its public schema is dropped); default SQLite")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = tempfile.mkdtemp(prefix="edocs-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql"):
        empty_postgres(url)
    app, org, token, study_id = build(url, folder, args.sites)
    database = get_db(app).engine.dialect.name
    filing = file_documents(app, org, token, study_id, args.documents, args.sites, args.pdf_every, args.batch)
    print(f"database: {database}; {args.documents:,} documents filed in {filing:.1f} s "
          f"({args.documents / filing:,.0f}/s, text extracted by the job); {args.sites} sites; "
          f"GET .../edocs/search, {args.repeat} requests per search, 20 results at most")
    timings = time_searches(app, org, token, args.repeat)
    print(f"{'search':<26}{'found':>6}{'median ms':>11}{'p95 ms':>9}")
    every: list[float] = []
    for query, (seconds, found) in timings.items():
        every.extend(seconds)
        print(f"{query:<26}{found:>6}{statistics.median(seconds) * 1000:>11.1f}{percentile(seconds, .95) * 1000:>9.1f}")
    print(f"{'all searches':<26}{'':>6}{statistics.median(every) * 1000:>11.1f}{percentile(every, .95) * 1000:>9.1f}")
    rare, common = statistics.median(timings[RARE][0]), statistics.median(timings["patient"][0])
    print(f"ratio: common word ({timings['patient'][1]} found) / rare word {RARE!r} ({timings[RARE][1]} found) "
          f"median = {common / rare:.2f}")
    get_db(app).dispose()


if __name__ == "__main__":
    main()
