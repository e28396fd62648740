"""OID checks on a metadata version (after odmlib's ``OIDRef.check_oid_refs``): every OID is
unique within its kind of element and every reference resolves. Each function returns the list
of problems (empty when all is well); the reader and writer raise them as one ``OdmError``."""
from __future__ import annotations

from collections import Counter

from ..clinical import ClinicalData
from ..metadata import MetaDataVersion

#: (model attribute, ODM element) for each kind of definition with an OID
_KINDS = (("events", "StudyEventDef"), ("forms", "FormDef"), ("item_groups", "ItemGroupDef"),
          ("items", "ItemDef"), ("codelists", "CodeList"), ("conditions", "ConditionDef"),
          ("methods", "MethodDef"), ("units", "MeasurementUnit"))


def check_references(version: MetaDataVersion, lines: dict[tuple[str, str], int] | None = None) -> list[str]:
    """Duplicate OIDs, duplicate variables and unresolved references of one metadata version.

    ``lines`` maps (element name, OID) to the line the reader found it on, for the messages."""
    lines = lines or {}
    problems: list[str] = []

    def where(kind: str, oid: str) -> str:
        line = lines.get((kind, oid))
        return f"{kind} '{oid}'" + (f" (line {line})" if line else "")

    def resolve(kind: str, oid: str, ref: str, attr: str, target: str | None, known) -> None:
        if target is not None and target not in known:
            problems.append(f"{where(kind, oid)}: {ref} to unknown {attr} '{target}'")

    for attr, kind in _KINDS:
        counts = Counter(obj.oid for obj in getattr(version, attr))
        problems += [f"{where(kind, oid)}: OID is not unique ({count} {kind} elements have it)"
                     for oid, count in counts.items() if count > 1]
    variables = Counter(item.variable for item in version.items if item.variable)
    problems += [f"{where('ItemDef', item.oid)}: variable '{item.variable}' is not unique"
                 for item in version.items if variables[item.variable] > 1]

    events = {e.oid for e in version.events}
    forms = {f.oid for f in version.forms}
    groups = {g.oid for g in version.item_groups}
    items = {i.oid for i in version.items}
    codelists = {c.oid for c in version.codelists}
    conditions = {c.oid for c in version.conditions}
    methods = {m.oid for m in version.methods}
    units = {u.oid for u in version.units}
    for ref in version.protocol:
        resolve("Protocol", version.oid, "StudyEventRef", "StudyEventOID", ref.study_event_oid, events)
    for event in version.events:
        for ref in event.form_refs:
            resolve("StudyEventDef", event.oid, "FormRef", "FormOID", ref.form_oid, forms)
    for form in version.forms:
        for ref in form.item_group_refs:
            resolve("FormDef", form.oid, "ItemGroupRef", "ItemGroupOID", ref.item_group_oid, groups)
    for group in version.item_groups:
        for ref in group.item_refs:
            resolve("ItemGroupDef", group.oid, "ItemRef", "ItemOID", ref.item_oid, items)
            resolve("ItemGroupDef", group.oid, f"ItemRef '{ref.item_oid}'", "MethodOID", ref.method_oid,
                    methods)
            resolve("ItemGroupDef", group.oid, f"ItemRef '{ref.item_oid}'", "CollectionExceptionConditionOID",
                    ref.collection_exception_oid, conditions)
    for item in version.items:
        resolve("ItemDef", item.oid, "CodeListRef", "CodeListOID", item.codelist_oid, codelists)
        for unit in item.unit_oids:
            resolve("ItemDef", item.oid, "MeasurementUnitRef", "MeasurementUnitOID", unit, units)
    return problems


def check_clinical_data(data: ClinicalData, version: MetaDataVersion) -> list[str]:
    """Clinical data whose event, form, item group, item or unit the version does not define."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()

    def unknown(kind: str, oid: str, subject: str) -> None:
        if (kind, oid) not in seen:
            seen.add((kind, oid))
            problems.append(f"ClinicalData '{data.study_oid}/{data.metadata_version_oid}': subject "
                            f"'{subject}' has {kind} for unknown {kind.replace('Data', '')}OID '{oid}'")

    events, forms = {e.oid for e in version.events}, {f.oid for f in version.forms}
    groups, items = {g.oid for g in version.item_groups}, {i.oid for i in version.items}
    units = {u.oid for u in version.units}
    for subject in data.subjects:
        key = subject.subject_key
        for event in subject.events:
            if event.study_event_oid not in events:
                unknown("StudyEventData", event.study_event_oid, key)
            for form in event.forms:
                if form.form_oid not in forms:
                    unknown("FormData", form.form_oid, key)
                for group in form.groups:
                    if group.item_group_oid not in groups:
                        unknown("ItemGroupData", group.item_group_oid, key)
                    for item in group.items:
                        if item.item_oid not in items:
                            unknown("ItemData", item.item_oid, key)
                        if item.unit_oid is not None and item.unit_oid not in units:
                            unknown("MeasurementUnitRef", item.unit_oid, key)
    return problems
