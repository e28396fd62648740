"""Benchmark: importing ODM clinical data into edc, against the physical limit of this design.

Generates a study (one event, --forms forms of one item group with --items text items each) and
an ODM 1.3.2 ClinicalData file with --item-data ItemData (default 100,000) for it, imports the file
with ``plugins.edc.services.clinical_import.import_clinical_data`` (reading, checking, bulk writes,
the one audit entry, the commit) and prints ItemData per second. It then deletes the imported
values and inserts the very same rows into the same table with one plain SQLAlchemy Core
executemany on a raw connection (no parsing, no checks, no tenancy rules, no audit; on
PostgreSQL the organization set for row security, as the design needs): the most this design
can write. Prints that rate and the ratio import / limit (the issue's aim: at least a
quarter). SQLite in a temporary folder; PostgreSQL too when TRIALOFFICE_BENCH_POSTGRES_URL is set
(an empty database the benchmark migrates). Figures only, no assertions. Run from the repository
root:  python bench/edc_import.py [--item-data N]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

from sqlalchemy import delete, insert, select, text

import plugins.edc as edc
from host import create_app
from host.testing_support import HostTestingSupport
from plugins.edc.domain.clinical import (
    ClinicalData,
    FormData,
    ItemData,
    ItemGroupData,
    StudyEventData,
    SubjectData,
)
from plugins.edc.domain.metadata import (
    FormDef,
    FormRef,
    ItemDef,
    ItemGroupDef,
    ItemGroupRef,
    ItemRef,
    MetaDataVersion,
    StudyDefinition,
    StudyEventDef,
    StudyEventRef,
)
from plugins.edc.domain.odm import read_odm, write_odm
from sdk import org_scope, tool
from sdk.tool import host_runs_tool

EVENT = "SE.BASELINE"


def definition(forms: int, items: int) -> MetaDataVersion:
    form_oids = [f"F.FORM{f}" for f in range(forms)]
    return MetaDataVersion(
        "MDV.1", "Bench version", protocol=(StudyEventRef(EVENT, True, 1),),
        events=(StudyEventDef(EVENT, "Baseline", form_refs=tuple(FormRef(f, True, n) for n, f in enumerate(form_oids, 1))),),
        forms=tuple(FormDef(f, f, False, (ItemGroupRef(f"IG.{f}", True, 1),)) for f in form_oids),
        item_groups=tuple(ItemGroupDef(f"IG.{f}", f, False, tuple(
            ItemRef(f"IT.F{n}_I{i}", False, i + 1) for i in range(items))) for n, f in enumerate(form_oids)),
        items=tuple(ItemDef(f"IT.F{n}_I{i}", f"f{n}_i{i}", "text", variable=f"f{n}_i{i}")
                    for n in range(forms) for i in range(items)))


def clinical_file(version: MetaDataVersion, item_data: int) -> bytes:
    per_subject = sum(len(g.item_refs) for g in version.item_groups)
    subjects = []
    for s in range(max(1, item_data // per_subject)):
        forms = tuple(FormData(f.oid, None, (ItemGroupData(f"IG.{f.oid}", None, tuple(
            ItemData(ref.item_oid, f"value {s}-{ref.order}") for ref in version.item_group(f"IG.{f.oid}").item_refs)),))
            for f in version.forms)
        subjects.append(SubjectData(f"S{s:06d}", "SITE.1", (StudyEventData(EVENT, None, forms),)))
    return write_odm(file_oid="BENCH", creation_datetime="2026-01-01T00:00:00+00:00",
                     clinical_data=(ClinicalData("BENCH", "MDV.1", tuple(subjects)),))


def build(url: str, folder: str, version: MetaDataVersion):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "STORAGE_DIR": folder, "LOAD_PLUGINS": ["edc"]},
                     extra_plugins=[edc])
    support = HostTestingSupport(app)
    support.migrate()
    support.reset()
    owner = support.create_user("owner@bench.example.org")
    org = support.create_org("bench", owner=owner)
    support.grant_license(org, "edc", enable=True)
    from plugins.edc.services import studies

    metadata = write_odm(file_oid="BENCH.META", creation_datetime="2026-01-01T00:00:00+00:00",
                         studies=(StudyDefinition("BENCH", "Bench", versions=(version,)),))
    with app.test_request_context(), org_scope(org.id), host_runs_tool("edc"):
        study = studies.create_study({"name": "Bench", "oid": "BENCH"})
        studies.publish(studies.import_definition(study, metadata, "odm"))
        studies.add_site(study, {"code": "1", "name": "Site 1", "oid": "SITE.1"})
        tool().db_session().commit()
        return app, org.id, study.id


def _as_org(conn, org_id: int) -> None:
    """On PostgreSQL, the organization row security checks (as the host sets it per transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT set_config('trialoffice.org_id', :org, true)"), {"org": str(org_id)})


def run(label: str, url: str, data: bytes, version: MetaDataVersion, count: int) -> None:
    from plugins.edc.models import ItemValue, Study
    from plugins.edc.services.clinical_import import import_clinical_data

    folder = tempfile.mkdtemp()
    app, org_id, study_id = build(url.replace("{folder}", folder), folder, version)
    with app.test_request_context(), org_scope(org_id), host_runs_tool("edc"):
        session = tool().db_session()
        started = time.perf_counter()
        outcome = import_clinical_data(session.get(Study, study_id), data, filename="bench.xml")
        session.commit()
        imported = time.perf_counter() - started
        engine = session.get_bind()
    table = ItemValue.__table__
    with engine.begin() as conn:
        _as_org(conn, org_id)
        rows = [dict(r._mapping) for r in conn.execute(select(table).where(table.c.study_id == study_id))]
        conn.execute(delete(table).where(table.c.study_id == study_id))
    for row in rows:
        row.pop("id")
    started = time.perf_counter()
    with engine.begin() as conn:
        _as_org(conn, org_id)
        conn.execute(insert(table), rows)
    plain = time.perf_counter() - started
    rate, limit = outcome.values_created / imported, len(rows) / plain
    print(f"{label}: {outcome.values_created:,} ItemData in {imported:.2f} s = {rate:,.0f} ItemData/s; "
          f"plain executemany {limit:,.0f} rows/s; ratio {rate / limit:.2f} (aim: at least 0.25)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--item-data", type=int, default=100_000)
    parser.add_argument("--forms", type=int, default=10)
    parser.add_argument("--items", type=int, default=10)
    args = parser.parse_args()
    version = definition(args.forms, args.items)
    started = time.perf_counter()
    data = clinical_file(version, args.item_data)
    print(f"generated {len(data) / 1e6:.1f} MB of ODM in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    read_odm(data)
    print(f"reading it alone (read_odm): {time.perf_counter() - started:.2f} s")
    run("SQLite", "sqlite:///{folder}/bench.db", data, version, args.item_data)
    postgres = os.environ.get("TRIALOFFICE_BENCH_POSTGRES_URL")
    if postgres:
        run("PostgreSQL", postgres, data, version, args.item_data)


if __name__ == "__main__":
    main()
