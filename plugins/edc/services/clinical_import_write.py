"""Writing an import's plan: new subjects, events, forms and item values in bulk (Core
executemany; the tenancy rules stamp each row's organization), then the changes to stored values
through the ORM, each audited with its reason (see :mod:`.clinical_import`)."""
from __future__ import annotations

from sqlalchemy import func, insert, select

from sdk import tool, utcnow
from sdk.audit import reason_for_change

from ..models import FormInstance, ItemValue, Study, StudyEvent, Subject
from . import current_user_id

#: item values per executemany (and per progress report)
BATCH = 10_000


def _insert(model, rows: list[dict], key_columns, study_id: int) -> dict[tuple, int]:
    """Insert ``rows`` in one executemany and read back the study's ids by their natural keys
    (cheaper than RETURNING in parameter order, which SQLite sends in small batches)."""
    if not rows:
        return {}
    session = tool().db_session()
    session.execute(insert(model.__table__), rows)
    found = session.execute(select(model.id, *key_columns).where(model.study_id == study_id))
    return {tuple(row[1:]): row[0] for row in found}


def _site_ids(plan, sites: dict) -> dict[str, int]:
    """The site id of each of the file's subjects (a stored subject keeps its own)."""
    return {key: site_id if sid is not None else sites[ref].id
            for key, (sid, ref, site_id) in plan.subjects.items()}


def write_data(study: Study, plan, versions, sites: dict, progress) -> dict:
    session = tool().db_session()
    now, user_id = utcnow(), current_user_id()
    site_of = _site_ids(plan, sites)
    new_subjects = [key for key, (sid, _, _) in plan.subjects.items() if sid is None]
    progress(0, None, f"Saving {len(new_subjects)} new subjects")
    ids = _insert(Subject, [
        {"study_id": study.id, "site_id": site_of[key], "subject_key": key, "state": "enrolled", "frozen": False,
         "locked": False, "enrolled_by_id": user_id, "created_at": now, "updated_at": now} for key in new_subjects],
        (Subject.subject_key,), study.id)
    subject_ids = {key: sid for key, (sid, _, _) in plan.subjects.items() if sid is not None}
    subject_ids.update((key, ids[(key,)]) for key in new_subjects)
    new_events = [key for key, eid in plan.events.items() if eid is None]
    ids = _insert(StudyEvent, [
        {"study_id": study.id, "site_id": site_of[key[0]], "subject_id": subject_ids[key[0]], "event_oid": key[1],
         "repeat_key": key[2]} for key in new_events],
        (StudyEvent.subject_id, StudyEvent.event_oid, StudyEvent.repeat_key), study.id)
    event_ids = {key: eid for key, eid in plan.events.items() if eid is not None}
    event_ids.update((key, ids[(subject_ids[key[0]], key[1], key[2])]) for key in new_events)
    new_forms = [key for key, (fid, _) in plan.forms.items() if fid is None]
    ids = _insert(FormInstance, [
        {"study_id": study.id, "site_id": site_of[key[0]], "subject_id": subject_ids[key[0]],
         "event_id": event_ids[key[:3]], "form_oid": key[3], "repeat_key": key[4],
         "version_id": versions.rows[plan.forms[key][1]].id, "state": "in_progress", "frozen": False,
         "locked": False, "created_at": now, "updated_at": now} for key in new_forms],
        (FormInstance.event_id, FormInstance.form_oid, FormInstance.repeat_key), study.id)
    form_ids = {key: fid for key, (fid, _) in plan.forms.items() if fid is not None}
    form_ids.update((key, ids[(event_ids[key[:3]], key[3], key[4])]) for key in new_forms)
    before = session.scalar(select(func.max(ItemValue.id))) or 0
    total = len(plan.inserts)
    table, rows, done = ItemValue.__table__, [], 0
    study_id = study.id
    for (fkey, group_oid, group_repeat, item_oid), (value, null) in plan.inserts.items():
        rows.append({"study_id": study_id, "site_id": site_of[fkey[0]], "form_id": form_ids[fkey],
                     "group_oid": group_oid, "group_repeat": group_repeat, "item_oid": item_oid,
                     "value": value, "null_flavour": null})
        if len(rows) == BATCH:
            session.execute(insert(table), rows)
            done += len(rows)
            rows = []
            progress(done, total, f"Saved {done} of {total} values")
    if rows:
        session.execute(insert(table), rows)
    after = (session.scalar(select(func.max(ItemValue.id))) or 0) if total else before
    progress(total, total, f"Saving {len(plan.updates)} changed values")
    changed = removed = 0
    for value_id, (value, null, reason) in plan.updates.items():
        row = session.get(ItemValue, value_id)
        with reason_for_change(reason):
            row.value, row.null_flavour = value, null
            session.flush()
        if value is None and null is None:
            removed += 1
        else:
            changed += 1
    return {"subjects_created": len(new_subjects), "events_created": len(new_events),
            "forms_created": len(new_forms), "values_created": total, "values_changed": changed,
            "values_removed": removed, "first_value_id": before + 1 if total else None,
            "last_value_id": after if total else None}
