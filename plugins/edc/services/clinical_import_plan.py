"""The import's plan: what the file's ClinicalData creates and changes, checked against what the
study holds, every problem named before anything is written (see :mod:`.clinical_import`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from sdk import tool

from ..domain.odm import check_clinical_data
from ..models import FormInstance, ItemValue, Study, StudyEvent, Subject

_CHUNK = 500
_KEEP = ("Upsert", "Context", None)


@dataclass
class DataPlan:
    #: subject key -> [stored id or None, site reference (LocationOID or None), stored site id or None]
    subjects: dict = field(default_factory=dict)
    #: (subject key, event OID, repeat) -> stored id or None
    events: dict = field(default_factory=dict)
    #: (subject key, event OID, event repeat, form OID, form repeat) -> [stored id or None, version OID]
    forms: dict = field(default_factory=dict)
    #: (form key, group OID, group repeat, item OID) -> (value, null flavour): new rows
    inserts: dict = field(default_factory=dict)
    #: stored item value id -> (value, null flavour, reason): changes through the ORM
    updates: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _chunks(values: list):
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _stored(study: Study, keys: list[str]):
    """What the study holds for the file's subjects: subjects, events, forms and item values."""
    session = tool().db_session()
    subjects = {}
    for chunk in _chunks(keys):
        subjects.update({s.subject_key: s for s in session.scalars(
            select(Subject).where(Subject.study_id == study.id, Subject.subject_key.in_(chunk)))})
    by_id = {s.id: s.subject_key for s in subjects.values()}
    events, forms, values, form_rows = {}, {}, {}, {}
    for chunk in _chunks(list(by_id)):
        for e in session.scalars(select(StudyEvent).where(StudyEvent.subject_id.in_(chunk))):
            events[(by_id[e.subject_id], e.event_oid, e.repeat_key)] = e.id
        for f in session.scalars(select(FormInstance).where(FormInstance.subject_id.in_(chunk))):
            form_rows[f.id] = f
    event_keys = {v: k for k, v in events.items()}
    for f in form_rows.values():
        forms[(*event_keys[f.event_id], f.form_oid, f.repeat_key)] = f.id
    form_keys = {v: k for k, v in forms.items()}
    for chunk in _chunks(list(form_rows)):
        for row in session.execute(select(ItemValue.id, ItemValue.form_id, ItemValue.group_oid,
                                          ItemValue.group_repeat, ItemValue.item_oid, ItemValue.value,
                                          ItemValue.null_flavour).where(ItemValue.form_id.in_(chunk))):
            values[(form_keys[row.form_id], row.group_oid, row.group_repeat, row.item_oid)] = (
                row.id, row.value, row.null_flavour)
    return subjects, events, forms, values, form_rows


def _repeat(text: str | None, what: str, where: str, problems) -> int:
    if text is None:
        return 1
    if text.isdigit() and 0 < int(text) < 1_000_000:
        return int(text)
    problems.add("file", f"{where}: {what} '{text}' is not a whole number from 1 (edc numbers repeats).")
    return 1


def plan_data(study: Study, odm, versions, sites: dict, filename: str, problems) -> DataPlan:
    plan = DataPlan()
    keys = list(dict.fromkeys(s.subject_key for c in odm.clinical_data for s in c.subjects))
    subjects, events, forms, values, form_rows = _stored(study, keys)
    default_reason = f"Imported from {filename}"[:500]
    inserts, updates = plan.inserts, plan.updates
    for block in odm.clinical_data:
        version = versions.definition(block.metadata_version_oid)
        if version is None:
            continue
        for problem in check_clinical_data(block, version):
            problems.add("file", problem)
        for s in block.subjects:
            key, where = s.subject_key, f"Subject '{s.subject_key}'"
            stored = subjects.get(key)
            if len(key) > 60:
                problems.add("file", f"{where}: a subject key holds at most 60 characters.")
            if s.transaction_type == "Remove":
                problems.add("file", f"{where}: removing a subject is not something an import does.")
            elif s.transaction_type == "Insert" and stored is not None:
                problems.add("file", f"{where}: TransactionType Insert, but the study has this subject already.")
            elif s.transaction_type == "Update" and stored is None and key not in plan.subjects:
                problems.add("file", f"{where}: TransactionType Update, but the study has no such subject.")
            if stored is not None and (stored.locked or stored.frozen):
                problems.add("file", f"{where} is {'locked' if stored.locked else 'frozen'} in the study.")
            if key not in plan.subjects:
                plan.subjects[key] = [stored.id if stored else None, s.site_oid, stored.site_id if stored else None]
                if stored is not None and s.site_oid is not None:
                    site = sites.get(s.site_oid)
                    if site is not None and not isinstance(site, tuple) and site.id != stored.site_id:
                        problems.add("file", f"{where} belongs to another site in the study than '{s.site_oid}'.")
            for e in s.events:
                erep = _repeat(e.repeat_key, "StudyEventRepeatKey", where, problems)
                ekey = (key, e.study_event_oid, erep)
                if ekey not in plan.events:
                    plan.events[ekey] = events.get(ekey)
                for f in e.forms:
                    frep = _repeat(f.repeat_key, "FormRepeatKey", where, problems)
                    fkey = (*ekey, f.form_oid, frep)
                    if f.transaction_type == "Remove" or e.transaction_type == "Remove":
                        problems.add("file", f"{where}: removing an event or form is not something an import does.")
                    if fkey not in plan.forms:
                        fid = forms.get(fkey)
                        plan.forms[fkey] = [fid, block.metadata_version_oid]
                        if fid is not None and (form_rows[fid].locked or form_rows[fid].frozen):
                            problems.add("file", f"{where}: form '{f.form_oid}' is locked or frozen in the study.")
                    for g in f.groups:
                        grep = _repeat(g.repeat_key, "ItemGroupRepeatKey", where, problems)
                        if g.transaction_type == "Remove":
                            problems.add("file", f"{where}: removing an item group is not something an import does; "
                                                 "remove its ItemData instead.")
                        for i in g.items:
                            vkey = (fkey, g.item_group_oid, grep, i.item_oid)
                            tt = i.transaction_type
                            null = (i.null_flavour or "UNK") if i.is_null else i.null_flavour
                            value = None if i.is_null else i.value
                            old = values.get(vkey)
                            if old is None:
                                if tt == "Update" and vkey not in inserts:
                                    problems.add("file", f"{where}: ItemData '{i.item_oid}' is an Update of a value "
                                                         "the study does not hold.")
                                elif tt == "Remove":
                                    inserts.pop(vkey, None)
                                elif value is not None or null is not None:
                                    inserts[vkey] = (value, null)
                                continue
                            if tt == "Insert":
                                problems.add("file", f"{where}: ItemData '{i.item_oid}' is an Insert, but the study "
                                                     "holds a value for it already (use Update).")
                                continue
                            if tt == "Remove":
                                value, null = None, None
                            elif tt not in _KEEP + ("Update",):
                                continue
                            if (old[1], old[2]) != (value, null):
                                reason = (i.audit.reason if i.audit and i.audit.reason else default_reason)
                                updates[old[0]] = (value, null, reason[:500])
    return plan
