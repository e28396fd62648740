"""Which of the study's metadata versions an imported file's ClinicalData belongs to.

The file's ``MetaDataVersionOID`` must name one of the study's versions. When the study has no
published version yet (a trial moving in from another EDC), the import brings the definition too:

- the file holds the ``Study`` metadata of that version (an ODM Snapshot with metadata and data):
  it becomes a version of the study, published at once;
- the file holds ClinicalData only: a minimal version is built from the data itself, every item a
  text item in the events, forms and groups the data names (its name says it was built so), and
  published. Its definition can be replaced by a richer one later as a new version; the captured
  values stay pinned to the version they were imported under.

A definition from a file is repaired in one way only: an ItemDef's ``CodeListRef`` to a code list
the file does not define (odmlib's CDASH test files have three) is dropped, the item keeping its
type, and the import's result names each one. Any other duplicate OID or unresolved reference
refuses the file.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from sdk import utcnow

from ..domain.clinical import ClinicalData
from ..domain.metadata import (
    FormDef,
    FormRef,
    ItemDef,
    ItemGroupDef,
    ItemGroupRef,
    ItemRef,
    MetaDataVersion,
    StudyEventDef,
    StudyEventRef,
)
from ..domain.odm import OdmFile, check_references, derive_variable
from ..models import MetadataVersion, Study
from . import current_user_id
from .definitions import definition, definition_text
from .studies import published_version, versions


@dataclass
class VersionPlan:
    """The study's version rows by OID, and the definitions the import will add (not yet written)."""

    rows: dict[str, MetadataVersion]
    new: dict[str, tuple[MetaDataVersion, str]]   # OID -> (definition, "odm" | "data")
    notes: list[str]

    def definition(self, oid: str) -> MetaDataVersion | None:
        if oid in self.rows:
            return definition(self.rows[oid])
        return self.new[oid][0] if oid in self.new else None


def _repaired(version: MetaDataVersion, notes: list[str]) -> MetaDataVersion:
    known = {c.oid for c in version.codelists}
    items = []
    for item in version.items:
        if item.codelist_oid and item.codelist_oid not in known:
            notes.append(f"ItemDef '{item.oid}': its CodeListRef to '{item.codelist_oid}', a code list the file "
                         "does not define, was left out.")
            item = replace(item, codelist_oid=None)
        items.append(item)
    return replace(version, items=tuple(items))


def _from_data(blocks: list[ClinicalData], oid: str, filename: str) -> MetaDataVersion:
    """A minimal definition holding what the data names, in the order it names it."""
    events: dict[str, dict] = {}
    forms: dict[str, dict] = {}
    groups: dict[str, dict] = {}
    for block in blocks:
        for subject in block.subjects:
            for e in subject.events:
                event = events.setdefault(e.study_event_oid, {"forms": {}, "repeating": False})
                event["repeating"] |= (e.repeat_key or "1") != "1"
                for f in e.forms:
                    event["forms"][f.form_oid] = True
                    form = forms.setdefault(f.form_oid, {"groups": {}, "repeating": False})
                    form["repeating"] |= (f.repeat_key or "1") != "1"
                    for g in f.groups:
                        form["groups"][g.item_group_oid] = True
                        group = groups.setdefault(g.item_group_oid, {"items": {}, "repeating": False})
                        group["repeating"] |= (g.repeat_key or "1") != "1"
                        for i in g.items:
                            group["items"][i.item_oid] = True
    item_oids = list(dict.fromkeys(oid_ for g in groups.values() for oid_ in g["items"]))
    items, taken = [], set()
    for item_oid in item_oids:
        variable = base = derive_variable(ItemDef(item_oid, item_oid))
        count = 1
        while variable in taken:
            count += 1
            variable = f"{base}_{count}"
        taken.add(variable)
        items.append(ItemDef(item_oid, item_oid, "text", variable=variable))
    return MetaDataVersion(
        oid, f"Built from the data of {filename}"[:200],
        protocol=tuple(StudyEventRef(e, False, n) for n, e in enumerate(events, 1)),
        events=tuple(StudyEventDef(e, e, v["repeating"], form_refs=tuple(
            FormRef(f, False, n) for n, f in enumerate(v["forms"], 1))) for e, v in events.items()),
        forms=tuple(FormDef(f, f, v["repeating"], tuple(
            ItemGroupRef(g, False, n) for n, g in enumerate(v["groups"], 1))) for f, v in forms.items()),
        item_groups=tuple(ItemGroupDef(g, g, v["repeating"], tuple(
            ItemRef(i, False, n) for n, i in enumerate(v["items"], 1))) for g, v in groups.items()),
        items=tuple(items))


def plan_versions(study: Study, odm: OdmFile, filename: str, problems) -> VersionPlan:
    rows = {row.oid: row for row in versions(study)}
    plan = VersionPlan(rows, {}, [])
    may_add = published_version(study) is None
    wanted = list(dict.fromkeys(
        [c.metadata_version_oid for c in odm.clinical_data]
        + [v.oid for s in odm.studies for v in s.versions]))
    for oid in wanted:
        if oid in rows:
            continue
        from_file = next((v for s in odm.studies for v in s.versions if v.oid == oid), None)
        if not may_add:
            if any(c.metadata_version_oid == oid for c in odm.clinical_data):
                problems.add("file", f"ClinicalData names MetaDataVersion '{oid}', which the study does not "
                                     f"have (its versions: {', '.join(rows) or 'none'}).")
            continue
        if from_file is not None:
            version = _repaired(from_file, plan.notes)
            plan.new[oid] = (version, "odm")
        else:
            blocks = [c for c in odm.clinical_data if c.metadata_version_oid == oid]
            version = _from_data(blocks, oid, filename)
            plan.new[oid] = (version, "data")
            plan.notes.append(f"MetaDataVersion '{oid}': the file holds no metadata for it, so a version with "
                              "a text item for each ItemOID of the data was built.")
        for problem in check_references(version):
            problems.add("file", f"MetaDataVersion '{oid}': {problem}")
    return plan


def write_versions(study: Study, plan: VersionPlan, session) -> None:
    """Add and publish the planned versions (audited, one row each)."""
    number = session.scalar(select(func.max(MetadataVersion.number))
                            .where(MetadataVersion.study_id == study.id)) or 0
    for oid, (version, source) in plan.new.items():
        number += 1
        text = definition_text(study, version)
        row = MetadataVersion(study=study, number=number, oid=oid, name=(version.name or oid)[:200],
                              source="odm", odm=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                              published_at=utcnow(), published_by_id=current_user_id())
        session.add(row)
        plan.rows[oid] = row
    session.flush()
