"""Exporting a study's data: ODM 1.3.2 Snapshot and Transactional, and a flat CSV per form.

Every export holds what the reader may see and nothing else: the rows are read through the ORM,
so the tenancy rules confine a site organization to its own site's subjects (and sites). The
ClinicalData are written one block per metadata version the forms were entered under; subjects
in key order, events, forms, groups and items in the order of the version's definition, so two
exports of the same content are the same document (apart from FileOID and CreationDateTime).

The Transactional export turns each value's audit trail (``tool().audit.history``) into ItemData:
Insert for the first value, Update for a change, Remove when it was cleared, each with an
AuditRecord (the person, the subject's site, the time and the reason). Values written in bulk by
an import have no entry of their own: the import's entry on the study covers them, and their
AuditRecord says so ("Imported from <file>"). The trail is read in batches of values
(``tool().audit.history_many``), for the owner and for an organization the study is shared with
alike (a grantee reads the owner's trail of the rows its grant covers).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from sdk import tool, utcnow

from ..domain.clinical import (
    AdminData,
    AuditRecord,
    ClinicalData,
    FormData,
    ItemData,
    ItemGroupData,
    Location,
    StudyEventData,
    SubjectData,
    User,
)
from ..domain.metadata import StudyDefinition
from ..domain.odm import write_odm
from ..models import FormInstance, ItemValue, MetadataVersion, Study, StudyEvent, StudySite, Subject
from .clinical_import import imported_value_ranges
from .definitions import definition
from .studies import published_version, versions

LAST = 1 << 30


class _Data:
    """The visible rows of one study, read once."""

    def __init__(self, study: Study):
        session = tool().db_session()
        self.study = study
        self.subjects = {s.id: s for s in session.scalars(
            select(Subject).where(Subject.study_id == study.id).order_by(Subject.subject_key))}
        self.sites = {s.id: s for s in session.scalars(select(StudySite).where(StudySite.study_id == study.id))}
        self.forms = {row.id: row for row in session.execute(
            select(FormInstance.id, FormInstance.subject_id, FormInstance.form_oid, FormInstance.repeat_key,
                   FormInstance.version_id, StudyEvent.event_oid, StudyEvent.repeat_key.label("event_repeat"))
            .join(StudyEvent, StudyEvent.id == FormInstance.event_id).where(FormInstance.study_id == study.id))}
        self.values = list(session.execute(
            select(ItemValue.id, ItemValue.form_id, ItemValue.group_oid, ItemValue.group_repeat,
                   ItemValue.item_oid, ItemValue.value, ItemValue.null_flavour)
            .where(ItemValue.study_id == study.id)))
        rows = versions(study)
        used = {f.version_id for f in self.forms.values()}
        self.versions = [v for v in rows if v.is_published or v.id in used]
        published = published_version(study)
        self.default_version_id = published.id if published else None


def _ranks(version) -> tuple[dict, dict, dict, dict]:
    events = {ref.study_event_oid: n for n, ref in enumerate(version.protocol)}
    forms = {(e.oid, r.form_oid): n for e in version.events for n, r in enumerate(e.form_refs)}
    groups = {(f.oid, r.item_group_oid): n for f in version.forms for n, r in enumerate(f.item_group_refs)}
    items = {(g.oid, r.item_oid): n for g in version.item_groups for n, r in enumerate(g.item_refs)}
    return events, forms, groups, items


def _clinical(data: _Data, item_data) -> list[ClinicalData]:
    """ClinicalData blocks; ``item_data(value_row, subject) -> [ItemData]`` (empty: left out)."""
    by_form = defaultdict(list)
    for row in data.values:
        by_form[row.form_id].append(row)
    blocks = []
    for version_row in data.versions:
        version = definition(version_row)
        e_rank, f_rank, g_rank, i_rank = _ranks(version)
        tree: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        for form in data.forms.values():
            if form.version_id == version_row.id and form.subject_id in data.subjects:
                tree[form.subject_id][(form.event_oid, form.event_repeat)][(form.form_oid, form.repeat_key)] \
                    .append(form.id)
        subjects = []
        for subject in data.subjects.values():
            events = tree.get(subject.id)
            if not events and version_row.id != data.default_version_id:
                continue
            event_data = []
            for (event_oid, erep) in sorted(events or {}, key=lambda k: (e_rank.get(k[0], LAST), k[0], k[1])):
                forms = events[(event_oid, erep)]
                form_data = []
                for (form_oid, frep) in sorted(forms, key=lambda k: (f_rank.get((event_oid, k[0]), LAST), k)):
                    groups = defaultdict(list)
                    for form_id in forms[(form_oid, frep)]:
                        for row in by_form.get(form_id, ()):
                            groups[(row.group_oid, row.group_repeat)].append(row)
                    group_data = []
                    for (group_oid, grep) in sorted(groups, key=lambda k: (g_rank.get((form_oid, k[0]), LAST), k)):
                        rows = sorted(groups[(group_oid, grep)],
                                      key=lambda r: (i_rank.get((group_oid, r.item_oid), LAST), r.item_oid))
                        items = tuple(i for r in rows for i in item_data(r, subject))
                        if items:
                            group_data.append(ItemGroupData(group_oid, str(grep), items))
                    if group_data:
                        form_data.append(FormData(form_oid, str(frep), tuple(group_data)))
                if form_data:
                    event_data.append(StudyEventData(event_oid, str(erep), tuple(form_data)))
            site = data.sites.get(subject.site_id)
            subjects.append(SubjectData(subject.subject_key, site.oid if site else None, tuple(event_data)))
        if subjects:
            blocks.append(ClinicalData(data.study.oid, version_row.oid, tuple(subjects)))
    return blocks


def _study_definition(data: _Data) -> StudyDefinition:
    study = data.study
    return StudyDefinition(study.oid, study.name, study.description, study.protocol_name,
                           tuple(definition(v) for v in data.versions))


def _locations(data: _Data) -> tuple[Location, ...]:
    used = {s.site_id for s in data.subjects.values()}
    return tuple(Location(site.oid, site.name) for site in sorted(data.sites.values(), key=lambda s: s.oid)
                 if site.id in used)


def _snapshot_items(row, subject) -> list[ItemData]:
    if row.value is None and row.null_flavour is None:
        return []
    return [ItemData(row.item_oid, row.value, row.value is None, row.null_flavour)]


def odm_snapshot(study: Study, *, now: datetime | None = None) -> bytes:
    """The study's metadata versions and the visible subjects' current values (ODM Snapshot)."""
    data = _Data(study)
    clinical = _clinical(data, _snapshot_items)
    locations = _locations(data)
    return write_odm(file_oid=f"{study.oid}.snapshot.{(now or utcnow()):%Y%m%d%H%M%S}",
                     creation_datetime=now or utcnow(), studies=(_study_definition(data),),
                     clinical_data=clinical, admin_data=AdminData(locations=locations) if locations else None,
                     granularity="All")


#: values whose audit trails are read in one query
HISTORY_BATCH = 2000


class _Trail:
    """Each value's audit trail as ItemData, and the people it names as AdminData Users."""

    def __init__(self, data: _Data):
        self.data = data
        self.users: dict[str, str] = {}
        self.imports = imported_value_ranges(data.study)
        ids = [str(row.id) for row in data.values]
        self.histories: dict[str, list] = {}
        for start in range(0, len(ids), HISTORY_BATCH):
            self.histories.update(tool().audit.history_many("item_value", ids[start:start + HISTORY_BATCH]))

    def user(self, label: str) -> str:
        return self.users.setdefault(label or "system", f"USR.{len(self.users) + 1}")

    def _imported(self, value_id: int):
        return next((i for i in self.imports if i[0] <= value_id <= i[1]), None)

    def items(self, row, subject) -> list[ItemData]:
        site = self.data.sites.get(subject.site_id)
        location = site.oid if site else "UNKNOWN"
        entries = self.histories.get(str(row.id), [])
        out: list[ItemData] = []
        state = {"value": None, "null_flavour": None}
        if not entries or entries[0].action != "create":
            # written in bulk by an import: its first value is the current one with the changes undone
            first = {"value": row.value, "null_flavour": row.null_flavour}
            for entry in reversed(entries):
                first.update({key: entry.changes[key][0] for key in state if key in entry.changes})
            imported = self._imported(row.id)
            at, who, reason = (imported[2], imported[3], f"Imported from {imported[4]}") if imported \
                else (utcnow(), "system", "Imported")
            state.update(first)
            out.append(self._item(row.item_oid, state, "Insert", AuditRecord(self.user(who), location, at, reason)))
        for entry in entries:
            for key in state:
                if key in entry.changes:
                    state[key] = entry.changes[key][1]
            if entry.action == "create":
                kind = "Insert"
            elif state["value"] is None and state["null_flavour"] is None:
                kind = "Remove"
            else:
                kind = "Update"
            out.append(self._item(row.item_oid, state, kind,
                                  AuditRecord(self.user(entry.actor), location, entry.at, entry.reason or "")))
        return out

    @staticmethod
    def _item(item_oid: str, state: dict, kind: str, audit: AuditRecord) -> ItemData:
        value, null = state["value"], state["null_flavour"]
        return ItemData(item_oid, value, value is None and null is not None, null, kind, None, audit)


def odm_transactional(study: Study, *, now: datetime | None = None) -> bytes:
    """Every visible value's history as ODM Transactional ItemData with AuditRecords."""
    data = _Data(study)
    trail = _Trail(data)
    clinical = _clinical(data, trail.items)
    users = tuple(User(oid, full_name=label) for label, oid in trail.users.items())
    return write_odm(file_oid=f"{study.oid}.transactional.{(now or utcnow()):%Y%m%d%H%M%S}",
                     creation_datetime=now or utcnow(), file_type="Transactional", clinical_data=clinical,
                     admin_data=AdminData(users=users, locations=_locations(data)), granularity="AllClinicalData")


def version_rows(study: Study) -> list[MetadataVersion]:
    return _Data(study).versions
