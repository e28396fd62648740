"""``write_odm``: studies, admin data and clinical data -> an ODM 1.3.2 document (UTF-8 bytes).

Output is deterministic: elements in the ODM 1.3.2 schema's order, each element's attributes
sorted, two-space indentation. The default namespace is ODM's; what ODM cannot say about an item
is written in the Trial Office namespace (prefix ``to``, see ``names``)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from ..clinical import AdminData
from ..metadata import Alias, MetaDataVersion, StudyDefinition, TranslatedText
from . import names as n
from .checks import check_references
from .errors import OdmError
from .model import OdmFile
from .read_metadata import default_control
from .write_data import add_admin, add_clinical, check_transactional


def el(parent: ET.Element | None, tag: str, attrs: dict | None = None, text: str | None = None) -> ET.Element:
    """A new element (a child of ``parent`` if given) with its non-None attributes, sorted."""
    items = sorted((k, str(v)) for k, v in (attrs or {}).items() if v is not None)
    node = ET.Element(tag, dict(items)) if parent is None else ET.SubElement(parent, tag, dict(items))
    if text is not None:
        node.text = text
    return node


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _translated(parent: ET.Element, tag: str, text: TranslatedText, *, always: bool = False) -> None:
    if not text.texts and not always:
        return
    node = el(parent, tag)
    for lang, value in text.texts or ((None, ""),):
        el(node, "TranslatedText", {n.XML_LANG: lang}, value)


def _aliases(parent: ET.Element, aliases: tuple[Alias, ...]) -> None:
    for alias in aliases:
        el(parent, "Alias", {"Context": alias.context, "Name": alias.name})


def write_odm(*, file_oid: str, creation_datetime: datetime | str, studies=(), clinical_data=(),
              admin_data: AdminData | None = None, file_type: str = "Snapshot",
              granularity: str | None = None,
              originator: str | None = None, source_system: str | None = "Trial Office",
              source_system_version: str | None = None, as_of_datetime: datetime | str | None = None,
              description: str | None = None, check: bool = True, extensions: bool = True) -> bytes:
    """An ODM 1.3.2 document: a Snapshot of metadata only (``studies``), of metadata and data
    (``clinical_data`` too), or a Transactional file of clinical data.

    A Transactional file needs a TransactionType and an AuditRecord (user, location, time) on every
    ItemData, a ReasonForChange on every Update or Remove, and the users and locations they name in
    ``admin_data``; otherwise ``OdmError`` lists what is missing. With ``check``, a version with a
    duplicate OID or an unresolved reference is refused too (``checks.check_references``).

    ``extensions=False`` leaves out the Trial Office attributes (``to:Control``...): the plain ODM
    1.3.2 schema refuses attributes of other namespaces, so a file for a strict validator needs
    that; reading it back gives the defaults (derived variables, "input"/"dropdown" controls)."""
    if file_type not in n.FILE_TYPES:
        raise OdmError(f"FileType {file_type!r} is not one of {', '.join(n.FILE_TYPES)}")
    if granularity is not None and granularity not in n.GRANULARITIES:
        raise OdmError(f"Granularity {granularity!r} is not one of {', '.join(n.GRANULARITIES)}")
    problems = []
    if check:
        for study in studies:
            for version in study.versions:
                problems += [f"Study '{study.oid}' MetaDataVersion '{version.oid}': {p}"
                             for p in check_references(version)]
    if file_type == "Transactional":
        problems += check_transactional(clinical_data, admin_data)
    if problems:
        raise OdmError(problems)
    root = el(None, "ODM", {
        "xmlns": n.ODM_NS, f"xmlns:{n.TO_PREFIX}": n.TO_NS if extensions else None,
        "FileOID": file_oid, "FileType": file_type,
        "Granularity": granularity, "CreationDateTime": _stamp(creation_datetime),
        "AsOfDateTime": _stamp(as_of_datetime), "ODMVersion": "1.3.2", "Originator": originator,
        "SourceSystem": source_system, "SourceSystemVersion": source_system_version,
        "Description": description})
    for study in studies:
        _study(root, study, extensions)
    if admin_data is not None:
        default_study = studies[0].oid if studies else (clinical_data[0].study_oid if clinical_data else None)
        add_admin(root, admin_data, default_study, _stamp(creation_datetime)[:10])
    for data in clinical_data:
        add_clinical(root, data, extensions)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def write_odm_file(odm: OdmFile, *, file_oid: str | None = None,
                   creation_datetime: datetime | str | None = None, check: bool = True,
                   extensions: bool = True) -> bytes:
    """Write back everything an ``OdmFile`` holds (its header, unless overridden)."""
    return write_odm(
        file_oid=file_oid or odm.file_oid, creation_datetime=creation_datetime or odm.creation_datetime,
        studies=odm.studies, clinical_data=odm.clinical_data,
        admin_data=odm.admin_data if odm.admin_data.users or odm.admin_data.locations
        or odm.admin_data.signature_defs else None,
        file_type=odm.file_type, granularity=odm.granularity, originator=odm.originator,
        source_system=odm.source_system, source_system_version=odm.source_system_version,
        as_of_datetime=odm.as_of_datetime, description=odm.description, check=check, extensions=extensions)


def _stamp(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def _study(root: ET.Element, study: StudyDefinition, extensions: bool) -> None:
    node = el(root, "Study", {**study.extra, "OID": study.oid})
    gv = el(node, "GlobalVariables")
    el(gv, "StudyName", None, study.name)
    el(gv, "StudyDescription", None, study.description)
    el(gv, "ProtocolName", None, study.protocol_name)
    units = {}
    for version in study.versions:
        for unit in version.units:
            units.setdefault(unit.oid, unit)
    if units:
        basic = el(node, "BasicDefinitions")
        for unit in units.values():
            mu = el(basic, "MeasurementUnit", {"OID": unit.oid, "Name": unit.name})
            _translated(mu, "Symbol", unit.symbol, always=True)
    for version in study.versions:
        _version(node, version, extensions)


def _ref_attrs(mandatory: bool, order: int | None) -> dict:
    return {"Mandatory": yes_no(mandatory), "OrderNumber": order}


def _version(study: ET.Element, v: MetaDataVersion, extensions: bool) -> None:
    node = el(study, "MetaDataVersion", {"OID": v.oid, "Name": v.name, "Description": v.description or None})
    if v.protocol:
        protocol = el(node, "Protocol")
        for ref in v.protocol:
            el(protocol, "StudyEventRef", {"StudyEventOID": ref.study_event_oid,
                                           **_ref_attrs(ref.mandatory, ref.order)})
    for e in v.events:
        x = el(node, "StudyEventDef", {**e.extra, "OID": e.oid, "Name": e.name,
                                       "Repeating": yes_no(e.repeating), "Type": e.type,
                                       "Category": e.category})
        _translated(x, "Description", e.description)
        for ref in e.form_refs:
            el(x, "FormRef", {"FormOID": ref.form_oid, **_ref_attrs(ref.mandatory, ref.order)})
        _aliases(x, e.aliases)
    for f in v.forms:
        x = el(node, "FormDef", {**f.extra, "OID": f.oid, "Name": f.name, "Repeating": yes_no(f.repeating)})
        _translated(x, "Description", f.description)
        for ref in f.item_group_refs:
            el(x, "ItemGroupRef", {"ItemGroupOID": ref.item_group_oid,
                                   **_ref_attrs(ref.mandatory, ref.order)})
        _aliases(x, f.aliases)
    for g in v.item_groups:
        x = el(node, "ItemGroupDef", {**g.extra, "OID": g.oid, "Name": g.name,
                                      "Repeating": yes_no(g.repeating), "Domain": g.domain,
                                      "SASDatasetName": g.sas_dataset_name})
        _translated(x, "Description", g.description)
        for r in g.item_refs:
            el(x, "ItemRef", {"ItemOID": r.item_oid, **_ref_attrs(r.mandatory, r.order),
                              "KeySequence": r.key_sequence, "MethodOID": r.method_oid, "Role": r.role,
                              "CollectionExceptionConditionOID": r.collection_exception_oid})
        _aliases(x, g.aliases)
    for item in v.items:
        _item(node, item, extensions)
    for c in v.codelists:
        odm_type = c.extra.get("DataType")
        data_type = odm_type if odm_type and n.edc_data_type(odm_type) == c.data_type else c.data_type
        x = el(node, "CodeList", {**c.extra, "OID": c.oid, "Name": c.name, "DataType": data_type})
        for i in c.items:
            if c.enumerated:
                y = el(x, "EnumeratedItem", {"CodedValue": i.coded_value, "OrderNumber": i.order})
            else:
                y = el(x, "CodeListItem", {"CodedValue": i.coded_value, "OrderNumber": i.order})
                _translated(y, "Decode", i.decode, always=True)
            _aliases(y, i.aliases)
        _aliases(x, c.aliases)
    for c in v.conditions:
        x = el(node, "ConditionDef", {"OID": c.oid, "Name": c.name})
        _translated(x, "Description", c.description if c.description.texts else TranslatedText.of(c.name))
        el(x, "FormalExpression", {"Context": c.context}, c.expression)
    for m in v.methods:
        x = el(node, "MethodDef", {"OID": m.oid, "Name": m.name, "Type": m.type})
        _translated(x, "Description", m.description if m.description.texts else TranslatedText.of(m.name))
        el(x, "FormalExpression", {"Context": m.context}, m.expression)


def _item(parent: ET.Element, item, extensions: bool) -> None:
    odm_type = item.extra.get("DataType")
    data_type = odm_type if odm_type and n.edc_data_type(odm_type) == item.data_type else item.data_type
    to = f"{n.TO_PREFIX}:"
    vendor = {
        to + "Variable": item.variable or None,
        to + "Control": None if item.control == default_control(item.codelist_oid is not None)
        else item.control,
        to + "Pattern": item.pattern, to + "Note": item.note or None,
        to + "SectionHeader": item.section_header or None,
        to + "Identifier": "Yes" if item.identifier else None,
    } if extensions else {}
    x = el(parent, "ItemDef", {
        **item.extra, "OID": item.oid, "Name": item.name, "DataType": data_type, "Length": item.length,
        "SignificantDigits": item.significant_digits, "SASFieldName": item.sas_field_name,
        "SDSVarName": item.sds_var_name, **vendor})
    _translated(x, "Description", item.description)
    _translated(x, "Question", item.question)
    for unit in item.unit_oids:
        el(x, "MeasurementUnitRef", {"MeasurementUnitOID": unit})
    for rc in item.range_checks:
        y = el(x, "RangeCheck", {"Comparator": rc.comparator, "SoftHard": rc.soft_hard})
        for value in rc.values:
            el(y, "CheckValue", None, value)
        _translated(y, "ErrorMessage", rc.message)
    if item.codelist_oid:
        el(x, "CodeListRef", {"CodeListOID": item.codelist_oid})
    _aliases(x, item.aliases)
