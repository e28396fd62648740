"""ODM ``Study`` -> ``metadata.StudyDefinition`` (GlobalVariables, BasicDefinitions, versions)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from ..metadata import (
    CONTROLS,
    Alias,
    CodeList,
    CodeListItem,
    ConditionDef,
    FormDef,
    FormRef,
    ItemDef,
    ItemGroupDef,
    ItemGroupRef,
    ItemRef,
    MeasurementUnit,
    MetaDataVersion,
    MethodDef,
    RangeCheck,
    StudyDefinition,
    StudyEventDef,
    StudyEventRef,
    TranslatedText,
)
from . import names as n
from .parse import Ctx, child, child_text, children, extra


def translated(el: ET.Element | None) -> TranslatedText:
    """An element holding TranslatedText children (Question, Decode, ...)."""
    if el is None:
        return TranslatedText()
    return TranslatedText(tuple((t.get(n.XML_LANG), t.text or "") for t in children(el, "TranslatedText")))


def _description(el: ET.Element) -> TranslatedText:
    return translated(child(el, "Description"))


def _aliases(el: ET.Element) -> tuple[Alias, ...]:
    return tuple(Alias(a.get("Context", ""), a.get("Name", "")) for a in children(el, "Alias"))


def read_study(el: ET.Element, ctx: Ctx) -> StudyDefinition:
    oid = ctx.required(el, "OID")
    gv = child(el, "GlobalVariables")
    if gv is None:
        ctx.problem(el, "missing GlobalVariables", oid)
        gv = ET.Element("GlobalVariables")
    basic = child(el, "BasicDefinitions")
    units = tuple(_unit(u, ctx) for u in children(basic, "MeasurementUnit")) if basic is not None else ()
    return StudyDefinition(
        oid=oid, name=child_text(gv, "StudyName") or "",
        description=child_text(gv, "StudyDescription") or "",
        protocol_name=child_text(gv, "ProtocolName") or "",
        versions=tuple(read_version(v, ctx, units) for v in children(el, "MetaDataVersion")),
        extra=extra(el, {"OID"}),
    )


def _unit(el: ET.Element, ctx: Ctx) -> MeasurementUnit:
    return MeasurementUnit(ctx.oid(el, "MeasurementUnit"), ctx.required(el, "Name"),
                           translated(child(el, "Symbol")))


def read_version(el: ET.Element, ctx: Ctx, units: tuple[MeasurementUnit, ...]) -> MetaDataVersion:
    protocol = child(el, "Protocol")
    items = [_item(i, ctx) for i in children(el, "ItemDef")]
    return MetaDataVersion(
        oid=ctx.oid(el), name=ctx.required(el, "Name"), description=el.get("Description", ""),
        protocol=tuple(
            StudyEventRef(ctx.required(r, "StudyEventOID", "in Protocol"),
                          ctx.yes_no(r, "Mandatory", "in Protocol", required=True),
                          ctx.integer(r, "OrderNumber", "in Protocol"))
            for r in children(protocol, "StudyEventRef")) if protocol is not None else (),
        events=tuple(_event(e, ctx) for e in children(el, "StudyEventDef")),
        forms=tuple(_form(f, ctx) for f in children(el, "FormDef")),
        item_groups=tuple(_group(g, ctx) for g in children(el, "ItemGroupDef")),
        items=tuple(with_variables(items)),
        codelists=tuple(_codelist(c, ctx) for c in children(el, "CodeList")),
        conditions=tuple(_condition(c, ctx) for c in children(el, "ConditionDef")),
        methods=tuple(_method(m, ctx) for m in children(el, "MethodDef")),
        units=units,
    )


def _event(el: ET.Element, ctx: Ctx) -> StudyEventDef:
    oid = ctx.oid(el, "StudyEventDef")
    ref_in = f"in StudyEventDef '{oid}'"
    refs = tuple(FormRef(ctx.required(r, "FormOID", ref_in),
                         ctx.yes_no(r, "Mandatory", ref_in, required=True),
                         ctx.integer(r, "OrderNumber", ref_in)) for r in children(el, "FormRef"))
    return StudyEventDef(
        oid=oid, name=ctx.required(el, "Name", oid),
        repeating=ctx.yes_no(el, "Repeating", oid, required=True),
        type=ctx.enum(el, "Type", n.EVENT_TYPES, oid, required=True) or "Scheduled", form_refs=refs,
        category=el.get("Category"), description=_description(el), aliases=_aliases(el),
        extra=extra(el, {"OID", "Name", "Repeating", "Type", "Category"}),
    )


def _form(el: ET.Element, ctx: Ctx) -> FormDef:
    oid = ctx.oid(el, "FormDef")
    ref_in = f"in FormDef '{oid}'"
    refs = tuple(ItemGroupRef(ctx.required(r, "ItemGroupOID", ref_in),
                              ctx.yes_no(r, "Mandatory", ref_in, required=True),
                              ctx.integer(r, "OrderNumber", ref_in))
                 for r in children(el, "ItemGroupRef"))
    return FormDef(oid=oid, name=ctx.required(el, "Name", oid),
                   repeating=ctx.yes_no(el, "Repeating", oid, required=True), item_group_refs=refs,
                   description=_description(el), aliases=_aliases(el),
                   extra=extra(el, {"OID", "Name", "Repeating"}))


def _group(el: ET.Element, ctx: Ctx) -> ItemGroupDef:
    oid = ctx.oid(el, "ItemGroupDef")
    ref_in = f"in ItemGroupDef '{oid}'"
    refs = tuple(
        ItemRef(ctx.required(r, "ItemOID", ref_in), ctx.yes_no(r, "Mandatory", ref_in, required=True),
                ctx.integer(r, "OrderNumber", ref_in), ctx.integer(r, "KeySequence", ref_in),
                r.get("MethodOID"),
                r.get("CollectionExceptionConditionOID"), r.get("Role"))
        for r in children(el, "ItemRef"))
    return ItemGroupDef(
        oid=oid, name=ctx.required(el, "Name", oid),
        repeating=ctx.yes_no(el, "Repeating", oid, required=True), item_refs=refs,
        description=_description(el), domain=el.get("Domain"),
        sas_dataset_name=el.get("SASDatasetName"), aliases=_aliases(el),
        extra=extra(el, {"OID", "Name", "Repeating", "Domain", "SASDatasetName"}))


_ITEM_ATTRS = frozenset({"OID", "Name", "DataType", "Length", "SignificantDigits", "SASFieldName",
                         "SDSVarName", *(n.to(a) for a in n.TO_ITEM_ATTRS.values())})


def _item(el: ET.Element, ctx: Ctx) -> ItemDef:
    oid = ctx.oid(el, "ItemDef")
    odm_type = ctx.enum(el, "DataType", n.DATA_TYPES, oid, required=True) or "text"
    more = extra(el, _ITEM_ATTRS)
    if n.edc_data_type(odm_type) != odm_type:
        more["DataType"] = odm_type
    codelist = child(el, "CodeListRef")
    control = el.get(n.to("Control"))
    if control is not None and control not in CONTROLS:
        ctx.problem(el, f"to:Control {control!r} is not one of {', '.join(CONTROLS)}", oid)
        control = None
    identifier = ctx.enum(el, n.to("Identifier"), n.YES_NO, oid)
    return ItemDef(
        oid=oid, name=ctx.required(el, "Name", oid), data_type=n.edc_data_type(odm_type),
        variable=el.get(n.to("Variable"), ""),
        question=translated(child(el, "Question")), description=_description(el),
        length=ctx.integer(el, "Length", oid), significant_digits=ctx.integer(el, "SignificantDigits", oid),
        codelist_oid=None if codelist is None
        else ctx.required(codelist, "CodeListOID", f"in ItemDef '{oid}'"),
        unit_oids=tuple(ctx.required(u, "MeasurementUnitOID", f"in ItemDef '{oid}'")
                        for u in children(el, "MeasurementUnitRef")),
        range_checks=tuple(_range_check(r, ctx, oid) for r in children(el, "RangeCheck")),
        pattern=el.get(n.to("Pattern")),
        control=control or default_control(codelist is not None),
        note=el.get(n.to("Note"), ""), section_header=el.get(n.to("SectionHeader"), ""),
        identifier=identifier == "Yes",
        sas_field_name=el.get("SASFieldName"), sds_var_name=el.get("SDSVarName"),
        aliases=_aliases(el), extra=more,
    )


def default_control(coded: bool) -> str:
    """How an item is entered when the file does not say (no ``to:Control``)."""
    return "dropdown" if coded else "input"


def _range_check(el: ET.Element, ctx: Ctx, item_oid: str) -> RangeCheck:
    where = f"in ItemDef '{item_oid}'"
    return RangeCheck(
        comparator=ctx.enum(el, "Comparator", n.COMPARATORS, where, required=True) or "EQ",
        values=tuple(v.text or "" for v in children(el, "CheckValue")),
        soft_hard=ctx.enum(el, "SoftHard", n.SOFT_HARD, where, required=True) or "Soft",
        message=translated(child(el, "ErrorMessage")))


def _codelist(el: ET.Element, ctx: Ctx) -> CodeList:
    oid = ctx.oid(el, "CodeList")
    data_type = ctx.enum(el, "DataType", n.CODELIST_DATA_TYPES, oid, required=True) or "text"
    more = extra(el, {"OID", "Name", "DataType"})
    if n.edc_data_type(data_type) != data_type:
        more["DataType"] = data_type
    coded = children(el, "CodeListItem")
    enumerated = children(el, "EnumeratedItem")
    if coded and enumerated:
        ctx.problem(el, "has both CodeListItem and EnumeratedItem", oid)
    items = tuple(
        CodeListItem(ctx.required(i, "CodedValue", f"in CodeList '{oid}'"), translated(child(i, "Decode")),
                     ctx.integer(i, "OrderNumber", f"in CodeList '{oid}'"), _aliases(i))
        for i in coded or enumerated)
    return CodeList(oid=oid, name=ctx.required(el, "Name", oid), data_type=n.edc_data_type(data_type),
                    items=items, enumerated=bool(enumerated) and not coded, aliases=_aliases(el), extra=more)


def _expression(el: ET.Element) -> tuple[str, str]:
    """(text, Context) of the first FormalExpression, preferring a REDCap one."""
    found = children(el, "FormalExpression")
    best = next((f for f in found if (f.get("Context") or "").lower().startswith("redcap")),
                found[0] if found else None)
    return ("", "") if best is None else (best.text or "", best.get("Context", ""))


def _condition(el: ET.Element, ctx: Ctx) -> ConditionDef:
    oid = ctx.oid(el, "ConditionDef")
    text, context = _expression(el)
    return ConditionDef(oid, ctx.required(el, "Name", oid), text, _description(el), context)


def _method(el: ET.Element, ctx: Ctx) -> MethodDef:
    oid = ctx.oid(el, "MethodDef")
    text, context = _expression(el)
    return MethodDef(oid, ctx.required(el, "Name", oid), text,
                     ctx.enum(el, "Type", n.METHOD_TYPES, oid, required=True) or "Computation",
                     _description(el), context)


_NOT_IDENT = re.compile(r"[^a-z0-9_]")


def derive_variable(item: ItemDef) -> str:
    """The variable for an item whose file names none: its SASFieldName, else its OID's last
    dot-separated part; lower-case, other characters than a-z 0-9 _ made ``_``, and ``v_`` put
    before a leading digit (REDCap variables start with a letter)."""
    base = item.sas_field_name or item.oid.rsplit(".", 1)[-1]
    name = _NOT_IDENT.sub("_", base.lower()) or "item"
    return f"v_{name}" if name[0].isdigit() else name


def with_variables(items: list[ItemDef]) -> list[ItemDef]:
    """Give every item without a variable one, unique within the version (``_2``, ``_3``...)."""
    taken = {i.variable for i in items if i.variable}
    out = []
    for item in items:
        if not item.variable:
            base = derive_variable(item)
            name, k = base, 1
            while name in taken:
                k += 1
                name = f"{base}_{k}"
            taken.add(name)
            item = replace(item, variable=name)
        out.append(item)
    return out
