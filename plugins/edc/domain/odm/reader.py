"""``read_odm``: an ODM 1.3.2 file -> ``OdmFile`` (studies, admin data, clinical data).

The file is untrusted: it is parsed by defusedxml (see ``parse``), every enumerated attribute is
checked against ODM's value set, and every OID reference is resolved. All problems are collected
and raised together as one ``OdmError``, each naming its element, OID and line."""
from __future__ import annotations

import gc
import xml.etree.ElementTree as ET
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from operator import attrgetter

from ..clinical import (
    AdminData,
    AuditRecord,
    ClinicalData,
    FormData,
    ItemData,
    ItemGroupData,
    Location,
    Signature,
    StudyEventData,
    SubjectData,
    User,
)
from ..metadata import NULL_FLAVOURS
from . import names as n
from .checks import check_clinical_data, check_references
from .errors import OdmError
from .model import OdmFile
from .parse import MAX_BYTES, MAX_ITEM_DATA, Ctx, child, child_text, children, extra, parse_xml
from .read_metadata import read_study


def read_odm(data, *, max_bytes: int = MAX_BYTES, max_item_data: int = MAX_ITEM_DATA,
             strict: bool = False) -> OdmFile:
    """Read an ODM file from bytes or a binary file object.

    Raises ``OdmError`` (a ValueError) listing every problem: unsafe or malformed XML, a file over
    ``max_bytes`` or with more than ``max_item_data`` ItemData, a missing required attribute, a
    value outside ODM's value sets. Duplicate OIDs and unresolved references (``check_references``,
    ``check_clinical_data``) are raised too when ``strict``; otherwise the file is accepted and
    they are listed in ``OdmFile.reference_problems`` (public files have some: odmlib's own CDASH
    test file refers to code list 'CL.SEX' but defines 'ODM.CL.SEX')."""
    with _no_cyclic_gc():
        return _read(data, max_bytes, max_item_data, strict)


@contextmanager
def _no_cyclic_gc():
    """The cyclic garbage collector paused while reading: the tree and the model make hundreds of
    thousands of objects, no cycles, and each collection would walk them all again (about 40% of
    the reading time of a 100,000-ItemData file). Reference counting still frees as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(data, max_bytes: int, max_item_data: int, strict: bool) -> OdmFile:
    root, lines = parse_xml(data, max_bytes=max_bytes, max_item_data=max_item_data)
    ctx = Ctx(lines)
    if n.local(root.tag) != "ODM":
        raise OdmError(f"the root element is {root.tag!r}, not ODM (namespace {n.ODM_NS})")
    studies = tuple(read_study(s, ctx) for s in children(root, "Study"))
    admin = _admin(children(root, "AdminData"), ctx)
    clinical = tuple(_clinical(c, ctx) for c in children(root, "ClinicalData"))
    odm = OdmFile(
        file_oid=ctx.required(root, "FileOID"),
        file_type=ctx.enum(root, "FileType", n.FILE_TYPES, required=True) or "Snapshot",
        creation_datetime=ctx.required(root, "CreationDateTime"),
        granularity=ctx.enum(root, "Granularity", n.GRANULARITIES),
        originator=root.get("Originator"), source_system=root.get("SourceSystem"),
        source_system_version=root.get("SourceSystemVersion"), as_of_datetime=root.get("AsOfDateTime"),
        description=root.get("Description"),
        odm_version=ctx.enum(root, "ODMVersion", n.ODM_VERSIONS) or "1.3.2",
        studies=studies, admin_data=admin, clinical_data=clinical)
    if ctx.problems:
        raise OdmError(ctx.problems)
    problems: list[str] = []
    for study in studies:
        for version in study.versions:
            problems += check_references(version, ctx.def_lines)
    for data_ in clinical:
        version = odm.version(data_.study_oid, data_.metadata_version_oid)
        if version is not None:
            problems += check_clinical_data(data_, version)
    if problems and strict:
        raise OdmError(problems)
    return replace(odm, reference_problems=tuple(problems), unmapped=_unmapped(root))


def _unmapped(root: ET.Element) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    # counted by tag in C, then the few distinct tags named
    for tag, count in Counter(map(attrgetter("tag"), root.iter())).items():
        name = n.local(tag)
        if name not in n.MAPPED and not (name and name.startswith("ItemData")):
            key = name or tag
            counts[key] = counts.get(key, 0) + count
    return tuple(sorted(counts.items()))


def _admin(elements: list[ET.Element], ctx: Ctx) -> AdminData:
    users, locations, signature_defs, more = [], [], [], {}
    for el in elements:
        more = more or extra(el, set())
        for u in children(el, "User"):
            oid = ctx.oid(u, "User")
            users.append(User(
                oid, child_text(u, "FullName") or "", child_text(u, "FirstName") or "",
                child_text(u, "LastName") or "",
                tuple(ctx.required(r, "LocationOID", oid) for r in children(u, "LocationRef")),
                extra={"UserType": t} if (t := ctx.enum(u, "UserType", n.USER_TYPES, oid)) else {}))
        for loc in children(el, "Location"):
            oid = ctx.oid(loc, "Location")
            ref = child(loc, "MetaDataVersionRef")
            locations.append(Location(
                oid, ctx.required(loc, "Name", oid),
                ctx.enum(loc, "LocationType", n.LOCATION_TYPES, oid) or "Site",
                None if ref is None else ctx.required(ref, "MetaDataVersionOID", oid),
                extra={} if ref is None else extra(ref, {"MetaDataVersionOID"})))
        for sd in children(el, "SignatureDef"):
            oid = ctx.oid(sd, "SignatureDef")
            signature_defs.append((oid, ctx.enum(sd, "Methodology", n.SIGNATURE_METHODS, oid) or "",
                                   child_text(sd, "Meaning") or "", child_text(sd, "LegalReason") or ""))
    return AdminData(tuple(users), tuple(locations), tuple(signature_defs), extra=more)


def _transaction(el: ET.Element, ctx: Ctx) -> str | None:
    value = el.get("TransactionType")
    if value is not None and value not in n.TRANSACTION_TYPES:
        key = next((el.get(a) for a in ("SubjectKey", "StudyEventOID", "FormOID", "ItemGroupOID", "ItemOID")
                    if el.get(a)), None)
        ctx.problem(el, f"TransactionType {value!r} is not one of {', '.join(n.TRANSACTION_TYPES)}", key)
        return None
    return value


def _when(el: ET.Element, ctx: Ctx) -> datetime:
    text = (child_text(el, "DateTimeStamp") or "").strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        ctx.problem(el, f"DateTimeStamp {text!r} is not an ISO 8601 date and time")
        return datetime.min


def _ref(el: ET.Element, name: str, attr: str, ctx: Ctx) -> str:
    found = child(el, name)
    if found is None:
        ctx.problem(el, f"missing {name}")
        return ""
    return ctx.required(found, attr)


def _audit(el: ET.Element, ctx: Ctx) -> AuditRecord | None:
    return _read_audit(child(el, "AuditRecord"), ctx)


def _read_audit(found: ET.Element | None, ctx: Ctx) -> AuditRecord | None:
    if found is None:
        return None
    imputation = ctx.enum(found, "UsedImputationMethod", n.YES_NO)
    return AuditRecord(
        user_oid=_ref(found, "UserRef", "UserOID", ctx),
        location_oid=_ref(found, "LocationRef", "LocationOID", ctx),
        at=_when(found, ctx), reason=child_text(found, "ReasonForChange") or "",
        source_id=child_text(found, "SourceID") or "", edit_point=ctx.enum(found, "EditPoint", n.EDIT_POINTS),
        used_imputation=None if imputation is None else imputation == "Yes")


def _read_signature(found: ET.Element | None, ctx: Ctx) -> Signature | None:
    if found is None:
        return None
    return Signature(_ref(found, "UserRef", "UserOID", ctx), _ref(found, "LocationRef", "LocationOID", ctx),
                     _ref(found, "SignatureRef", "SignatureOID", ctx), _when(found, ctx))


_NULL_FLAVOUR = n.to(n.TO_NULL_FLAVOUR)


def _item_data(el: ET.Element, name: str, ctx: Ctx) -> ItemData:
    """``ItemData`` (Value attribute) or a typed ``ItemDataString``... (value as text)."""
    get = el.get
    is_null = get("IsNull")
    if is_null is not None and is_null != "Yes":
        ctx.problem(el, f"IsNull {is_null!r} is not Yes", get("ItemOID"))
    value = get("Value") if name == "ItemData" else el.text
    unit, audit = None, None
    if len(el):
        found = child(el, "MeasurementUnitRef")
        unit = None if found is None else found.get("MeasurementUnitOID")
        audit = _audit(el, ctx)
    tt = get("TransactionType")
    if tt is not None and tt not in n.TRANSACTION_TYPES:
        tt = _transaction(el, ctx)
    item_oid = get("ItemOID")
    if item_oid is None:
        item_oid = ctx.required(el, "ItemOID")
    flavour = get(_NULL_FLAVOUR)
    if flavour is not None and flavour not in NULL_FLAVOURS:
        ctx.problem(el, f"to:NullFlavour {flavour!r} is not one of {', '.join(NULL_FLAVOURS)}", item_oid)
        flavour = None
    return ItemData(item_oid, value, is_null == "Yes", flavour, tt, unit, audit)


def _group_data(el: ET.Element, ctx: Ctx) -> ItemGroupData:
    # one pass over the children: the ItemData and the (first) AuditRecord
    items, audit = [], None
    local = n.local
    for c in el:
        name = local(c.tag)
        if name and name.startswith("ItemData"):
            items.append(_item_data(c, name, ctx))
        elif audit is None and name == "AuditRecord":
            audit = c
    return ItemGroupData(ctx.required(el, "ItemGroupOID"), el.get("ItemGroupRepeatKey"), tuple(items),
                         _transaction(el, ctx), _read_audit(audit, ctx))


def _form_data(el: ET.Element, ctx: Ctx) -> FormData:
    # one pass over the children: the ItemGroupData and the (first) AuditRecord and Signature
    groups, audit, signature = [], None, None
    for c in el:
        name = n.local(c.tag)
        if name == "ItemGroupData":
            groups.append(c)
        elif audit is None and name == "AuditRecord":
            audit = c
        elif signature is None and name == "Signature":
            signature = c
    return FormData(ctx.required(el, "FormOID"), el.get("FormRepeatKey"),
                    tuple(_group_data(g, ctx) for g in groups),
                    _transaction(el, ctx), _read_audit(audit, ctx), _read_signature(signature, ctx))


def _clinical(el: ET.Element, ctx: Ctx) -> ClinicalData:
    subjects = []
    for s in children(el, "SubjectData"):
        site = child(s, "SiteRef")
        events = tuple(
            StudyEventData(ctx.required(e, "StudyEventOID"), e.get("StudyEventRepeatKey"),
                           tuple(_form_data(f, ctx) for f in children(e, "FormData")),
                           _transaction(e, ctx), _audit(e, ctx))
            for e in children(s, "StudyEventData"))
        subjects.append(SubjectData(ctx.required(s, "SubjectKey"),
                                    None if site is None else site.get("LocationOID"), events,
                                    _transaction(s, ctx), _audit(s, ctx)))
    return ClinicalData(ctx.required(el, "StudyOID"), ctx.required(el, "MetaDataVersionOID"), tuple(subjects))
