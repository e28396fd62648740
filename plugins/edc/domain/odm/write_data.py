"""The writer's AdminData and ClinicalData parts, and the checks a Transactional file must pass."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..clinical import AdminData, AuditRecord, ClinicalData, Signature
from . import names as n


def _el(parent: ET.Element, tag: str, attrs: dict | None = None, text: str | None = None) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: str(v) for k, v in sorted((attrs or {}).items()) if v is not None})
    if text is not None:
        node.text = text
    return node


def add_admin(root: ET.Element, admin: AdminData, study_oid: str | None, effective_date: str | None) -> None:
    node = _el(root, "AdminData", {"StudyOID": study_oid, **admin.extra})
    for user in admin.users:
        x = _el(node, "User", {**user.extra, "OID": user.oid})
        for tag, value in (("FullName", user.full_name), ("FirstName", user.first_name),
                           ("LastName", user.last_name)):
            if value:
                _el(x, tag, None, value)
        for oid in user.location_oids:
            _el(x, "LocationRef", {"LocationOID": oid})
    for loc in admin.locations:
        x = _el(node, "Location", {"OID": loc.oid, "Name": loc.name, "LocationType": loc.type})
        if loc.metadata_version_oid:
            _el(x, "MetaDataVersionRef", {"StudyOID": study_oid, "EffectiveDate": effective_date, **loc.extra,
                                          "MetaDataVersionOID": loc.metadata_version_oid})
    for oid, methodology, meaning, legal_reason in admin.signature_defs:
        x = _el(node, "SignatureDef", {"OID": oid, "Methodology": methodology or None})
        _el(x, "Meaning", None, meaning)
        _el(x, "LegalReason", None, legal_reason)


def _audit(parent: ET.Element, audit: AuditRecord | None) -> None:
    if audit is None:
        return
    x = _el(parent, "AuditRecord", {
        "EditPoint": audit.edit_point,
        "UsedImputationMethod": None if audit.used_imputation is None
        else ("Yes" if audit.used_imputation else "No")})
    _el(x, "UserRef", {"UserOID": audit.user_oid})
    _el(x, "LocationRef", {"LocationOID": audit.location_oid})
    _el(x, "DateTimeStamp", None, audit.at.isoformat())
    if audit.reason:
        _el(x, "ReasonForChange", None, audit.reason)
    if audit.source_id:
        _el(x, "SourceID", None, audit.source_id)


def _signature(parent: ET.Element, sig: Signature | None) -> None:
    if sig is None:
        return
    x = _el(parent, "Signature")
    _el(x, "UserRef", {"UserOID": sig.user_oid})
    _el(x, "LocationRef", {"LocationOID": sig.location_oid})
    _el(x, "SignatureRef", {"SignatureOID": sig.signature_oid})
    _el(x, "DateTimeStamp", None, sig.at.isoformat())


_NULL_FLAVOUR = f"{n.TO_PREFIX}:{n.TO_NULL_FLAVOUR}"


def add_clinical(root: ET.Element, data: ClinicalData, extensions: bool = True) -> None:
    """ClinicalData in schema order (AuditRecord, Signature, SiteRef/..., then the children)."""
    sub = ET.SubElement
    node = _el(root, "ClinicalData", {"MetaDataVersionOID": data.metadata_version_oid,
                                      "StudyOID": data.study_oid})
    for s in data.subjects:
        x = _el(node, "SubjectData", {"SubjectKey": s.subject_key, "TransactionType": s.transaction_type})
        _audit(x, s.audit)
        if s.site_oid:
            _el(x, "SiteRef", {"LocationOID": s.site_oid})
        for e in s.events:
            y = _el(x, "StudyEventData", {"StudyEventOID": e.study_event_oid,
                                          "StudyEventRepeatKey": e.repeat_key,
                                          "TransactionType": e.transaction_type})
            _audit(y, e.audit)
            for f in e.forms:
                z = _el(y, "FormData", {"FormOID": f.form_oid, "FormRepeatKey": f.repeat_key,
                                        "TransactionType": f.transaction_type})
                _audit(z, f.audit)
                _signature(z, f.signature)
                for g in f.groups:
                    w = _el(z, "ItemGroupData", {"ItemGroupOID": g.item_group_oid,
                                                 "ItemGroupRepeatKey": g.repeat_key,
                                                 "TransactionType": g.transaction_type})
                    _audit(w, g.audit)
                    for i in g.items:
                        # the hot loop (100,000s of items): attributes built directly, in sorted order
                        attrs = {"IsNull": "Yes"} if i.is_null else {}
                        attrs["ItemOID"] = i.item_oid
                        if i.transaction_type:
                            attrs["TransactionType"] = i.transaction_type
                        if i.value is not None:
                            attrs["Value"] = i.value
                        if i.null_flavour and extensions:
                            attrs[_NULL_FLAVOUR] = i.null_flavour
                        v = sub(w, "ItemData", attrs)
                        if i.audit is not None:
                            _audit(v, i.audit)
                        if i.unit_oid:
                            _el(v, "MeasurementUnitRef", {"MeasurementUnitOID": i.unit_oid})


def check_transactional(clinical_data, admin: AdminData | None) -> list[str]:
    """What a Transactional file lacks: a TransactionType or AuditRecord on an ItemData, a
    ReasonForChange on a changed (Update, Remove) one, or a referenced user or location."""
    problems: list[str] = []
    users = {u.oid for u in admin.users} if admin else set()
    locations = {loc.oid for loc in admin.locations} if admin else set()
    missing_users: set[str] = set()
    missing_locations: set[str] = set()
    for data in clinical_data:
        for s in data.subjects:
            for e in s.events:
                for f in e.forms:
                    for g in f.groups:
                        for i in g.items:
                            where = (f"ItemData '{i.item_oid}' (subject '{s.subject_key}', event "
                                     f"'{e.study_event_oid}', form '{f.form_oid}', group '{g.item_group_oid}'"
                                     f"{', repeat ' + g.repeat_key if g.repeat_key else ''})")
                            if i.transaction_type not in n.TRANSACTION_TYPES:
                                problems.append(f"{where}: a Transactional file needs a TransactionType")
                            if i.audit is None:
                                problems.append(f"{where}: a Transactional file needs an AuditRecord")
                                continue
                            if i.transaction_type in ("Update", "Remove") and not i.audit.reason.strip():
                                problems.append(f"{where}: a changed value needs a ReasonForChange")
                            for audit in (i.audit, g.audit, f.audit, e.audit, s.audit):
                                if audit is not None:
                                    if audit.user_oid not in users:
                                        missing_users.add(audit.user_oid)
                                    if audit.location_oid not in locations:
                                        missing_locations.add(audit.location_oid)
    problems += [f"AuditRecord: UserRef to unknown UserOID '{u}' (add it to AdminData)"
                 for u in sorted(missing_users)]
    problems += [f"AuditRecord: LocationRef to unknown LocationOID '{loc}' (add it to AdminData)"
                 for loc in sorted(missing_locations)]
    return problems
