"""A flat CSV of one form: one row per subject, event, form and item group occurrence.

Columns: the subject, its site, the event and the occurrences, then each item of the form by its
variable, in the order of the definitions (the versions the form exists in, oldest first, items
a later version added at the end). A checkbox item becomes one ``variable___code`` column per
code, 1 when ticked and 0 when not (REDCap's layout). A missing value with a null flavour shows
the flavour's code (NA, UNK...). The rows are the reader's visible subjects only; cells go
through ``sdk.csv_export`` so text that looks like a formula is neutralized.
"""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..models import FormInstance, ItemValue, Study, StudyEvent, StudySite, Subject
from .definitions import definition
from .errors import EdcInputError
from .studies import versions

KEY_COLUMNS = ["subject", "site", "event", "event_repeat", "form_repeat", "group_repeat"]


def _columns(study: Study, form_oid: str) -> list[tuple[str, object, object]]:
    """(item OID, item, codelist or None for a plain column) per item of the form."""
    found: dict[str, tuple] = {}
    for row in versions(study):
        version = definition(row)
        form = version.form(form_oid)
        if form is None:
            continue
        for group_ref in form.item_group_refs:
            group = version.item_group(group_ref.item_group_oid)
            for ref in group.item_refs if group else ():
                item = version.item(ref.item_oid)
                if item is not None and item.control != "descriptive" and item.oid not in found:
                    codelist = version.codelist(item.codelist_oid) if item.control == "checkbox" else None
                    found[item.oid] = (item.oid, item, codelist)
    if not found:
        raise EdcInputError([("form", f"The study has no form {form_oid}.")])
    return list(found.values())


def form_csv(study: Study, form_oid: str) -> tuple[list[str], list[list]]:
    """The header and the rows of the form's CSV."""
    columns = _columns(study, form_oid)
    header = list(KEY_COLUMNS)
    for _, item, codelist in columns:
        name = item.variable or item.oid
        header += [f"{name}___{code}" for code in codelist.codes] if codelist else [name]
    session = tool().db_session()
    rows: dict[tuple, dict] = {}
    query = (select(Subject.subject_key, StudySite.code, StudyEvent.event_oid, StudyEvent.repeat_key,
                    FormInstance.repeat_key, ItemValue.group_repeat, ItemValue.item_oid, ItemValue.value,
                    ItemValue.null_flavour)
             .join(FormInstance, FormInstance.id == ItemValue.form_id)
             .join(StudyEvent, StudyEvent.id == FormInstance.event_id)
             .join(Subject, Subject.id == FormInstance.subject_id)
             .join(StudySite, StudySite.id == Subject.site_id)
             .where(ItemValue.study_id == study.id, FormInstance.form_oid == form_oid))
    for key, site, event, erep, frep, grep, item_oid, value, null in session.execute(query):
        cells = rows.setdefault((key, site, event, erep, frep, grep), {})
        cells[item_oid] = (value, null)
    out = []
    for key in sorted(rows, key=lambda k: (k[0], k[2], k[3], k[4], k[5])):
        cells, line = rows[key], list(key)
        for item_oid, _, codelist in columns:
            value, null = cells.get(item_oid, (None, None))
            if codelist:
                ticked = set((value or "").split(","))
                line += [1 if code in ticked else 0 for code in codelist.codes]
            else:
                line.append(value if value is not None else null)
        out.append(line)
    return header, out

