"""Importing ODM ClinicalData into a study, so a trial can move in from another EDC.

The whole file is read and checked before anything is written, and every problem is named at
once (``EdcInputError`` on the field ``file``); then everything is written in the caller's
transaction (the job's), so a refused or failing import leaves nothing behind.

Transactions, as ODM 1.3.2 defines them:

- ``SubjectData``: Insert creates the subject (refused when the study has it already), Update
  needs the subject to exist, Upsert / Context / none create it when missing. A subject may
  appear in several ClinicalData blocks of one file (one per metadata version).
- ``ItemData``: Insert adds a value (refused when the form has one), Update changes a stored
  value (refused when there is none), Upsert / none do either, Remove clears a stored value.
- Remove on a subject, event, form or item group is refused: the import adds and corrects data,
  it does not delete records.

Sites: a subject's ``SiteRef`` (LocationOID) names one of the study's sites by its OID or site
number; a subject without one goes to ``default_site_id`` (or to the study's only site). With
``create_sites`` a missing site is added (named from the file's AdminData Location); without it
the file is refused naming the site. Values are stored as the file carries them (ODM's own
format): the edit checks of the study run on them when they are next saved or cleaned. The file's
StudyOID need not be the study's (a trial moving in keeps the other system's OID); only the
study's owner imports (the bulk rows are written as its organization's).

New rows are written in bulk (SQLAlchemy Core executemany, organization stamped by the tenancy
rules) and audited together by ONE audit entry on the study naming the file, its SHA-256, the
counts and the range of item value ids written; changes to stored values go through the ORM,
each audited with its reason (the AuditRecord's ReasonForChange, else "Imported from <file>").
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from sdk import tool

from ..domain.odm import OdmError, read_odm
from ..models import Study, StudySite
from .clinical_import_plan import DataPlan, plan_data
from .clinical_import_versions import plan_versions, write_versions
from .clinical_import_write import write_data
from .errors import EdcInputError

#: the largest ODM file an import takes, and how many ItemData it may hold
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_IMPORT_ITEM_DATA = 2_000_000
IMPORT_ACTION = "import_clinical_data"


@dataclass
class ImportOutcome:
    subjects_created: int = 0
    events_created: int = 0
    forms_created: int = 0
    values_created: int = 0
    values_changed: int = 0
    values_removed: int = 0
    versions_created: list[str] = field(default_factory=list)
    sites_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return dict(self.__dict__)

    @property
    def summary(self) -> str:
        text = (f"Imported {self.subjects_created} new subjects and {self.values_created} values; "
                f"{self.values_changed} values changed, {self.values_removed} cleared.")
        if self.versions_created:
            text += f" Metadata versions added and published: {', '.join(self.versions_created)}."
        if self.sites_created:
            text += f" Sites added: {', '.join(self.sites_created)}."
        if self.notes:
            text += f" {len(self.notes)} notes on the definition (in the job's data)."
        return text[:490]


def _no_progress(done: int, total: int | None = None, message: str = "") -> None:
    """Where nobody follows the import (a test or the benchmark calling it directly)."""


def _site_plan(study: Study, odm, default_site_id, create_sites: bool, problems) -> dict:
    """LocationOID (or None: no SiteRef) -> a StudySite, or a (code, name, oid) to create."""
    sites = list(tool().db_session().scalars(select(StudySite).where(StudySite.study_id == study.id)))
    by_ref = {s.oid: s for s in sites} | {s.code: s for s in sites}
    locations = {loc.oid: loc.name for loc in odm.admin_data.locations}
    default = next((s for s in sites if s.id == default_site_id), None) if default_site_id else None
    if default_site_id and default is None:
        problems.add("site_id", "Choose one of the study's sites for subjects the file gives no site.")
    elif default is None and len(sites) == 1:
        default = sites[0]
    mapping: dict = {}
    for block in odm.clinical_data:
        for subject in block.subjects:
            ref = subject.site_oid
            if ref in mapping:
                continue
            if ref is None:
                mapping[None] = default
                if default is None:
                    problems.add("site_id", f"Subject '{subject.subject_key}' has no SiteRef: choose the site "
                                            "for subjects the file gives no site.")
            elif ref in by_ref:
                mapping[ref] = by_ref[ref]
            elif create_sites:
                mapping[ref] = (ref[:40], (locations.get(ref) or ref)[:200], ref[:100])
            else:
                mapping[ref] = None
                problems.add("file", f"Subject '{subject.subject_key}': site '{ref}' is not one of the study's "
                                     "sites (add it, or import with \"create missing sites\").")
    return mapping


def _write_sites(study: Study, mapping: dict, session) -> list[str]:
    created = []
    for ref, site in list(mapping.items()):
        if isinstance(site, tuple):
            code, name, oid = site
            row = StudySite(study_id=study.id, code=code, name=name, oid=oid)
            session.add(row)
            mapping[ref] = row
            created.append(code)
    session.flush()
    return created


def read_import_file(data: bytes):
    """The parsed file, or ``EdcInputError`` naming each problem (unsafe XML, bad values...)."""
    try:
        return read_odm(data, max_bytes=MAX_IMPORT_BYTES, max_item_data=MAX_IMPORT_ITEM_DATA)
    except OdmError as exc:
        raise EdcInputError([("file", problem) for problem in (exc.problems or [str(exc)])]) from None


def import_clinical_data(study: Study, data: bytes, *, filename: str = "upload.xml", default_site_id=None,
                         create_sites: bool = False, progress=_no_progress) -> ImportOutcome:
    """Import one ODM file's ClinicalData (and, for a study without a published version, its
    metadata) into ``study``; not committed. Refuses everything with ``EdcInputError``."""
    session = tool().db_session()
    progress(0, None, "Reading the file")
    odm = read_import_file(data)
    problems = EdcInputError()
    if study.org_id != tool().current_org().id:
        problems.add(None, "Only the organization that owns the study can import clinical data into it.")
    if study.state != "open":
        problems.add(None, f"{study.name} is {study.state}: its data cannot change.")
    if not odm.clinical_data and not odm.studies:
        problems.add("file", "The ODM file holds neither ClinicalData nor Study metadata.")
    problems.raise_if_any()
    progress(0, None, "Checking the metadata versions and sites")
    versions = plan_versions(study, odm, filename, problems)
    sites = _site_plan(study, odm, default_site_id, create_sites, problems)
    problems.raise_if_any()
    progress(0, None, "Checking every value")
    plan: DataPlan = plan_data(study, odm, versions, sites, filename, problems)
    problems.raise_if_any()
    outcome = ImportOutcome(versions_created=list(versions.new), notes=list(versions.notes) + plan.notes)
    write_versions(study, versions, session)
    outcome.sites_created = _write_sites(study, sites, session)
    counts = write_data(study, plan, versions, sites, progress)
    for key in ("subjects_created", "events_created", "forms_created", "values_created", "values_changed",
                "values_removed"):
        setattr(outcome, key, counts[key])
    tool().audit.record(
        entity_type="study", entity_id=str(study.id), action=IMPORT_ACTION,
        changes={"file": [None, filename], "sha256": [None, hashlib.sha256(data).hexdigest()],
                 "subjects_created": [None, outcome.subjects_created],
                 "forms_created": [None, outcome.forms_created],
                 "values_created": [None, outcome.values_created],
                 "values_changed": [None, outcome.values_changed],
                 "values_removed": [None, outcome.values_removed],
                 "first_value_id": [None, counts.get("first_value_id")],
                 "last_value_id": [None, counts.get("last_value_id")]},
        reason=f"Imported from {filename}")
    session.flush()
    return outcome


def imported_value_ranges(study: Study) -> list[tuple[int, int, object, str, str]]:
    """The study's imports as (first id, last id, when, who, file) of the item values each wrote
    in bulk (those rows have no audit entry of their own): the export's AuditRecords for them."""
    found = []
    for entry in tool().audit.history(entity_type="study", entity_id=str(study.id)):
        if entry.action != IMPORT_ACTION:
            continue
        first = (entry.changes.get("first_value_id") or [None, None])[1]
        last = (entry.changes.get("last_value_id") or [None, None])[1]
        if first is not None and last is not None:
            found.append((first, last, entry.at, entry.actor, (entry.changes.get("file") or [None, ""])[1]))
    return found


