"""A MetaDataVersion written as a REDCap data dictionary CSV (the reader is ``dictionary``).

A dictionary ``read_dictionary`` gave is written back identical when it was in REDCap's own
format: REDCap's header texts, choices as ``code, label | code, label``, flags as ``y`` or empty,
and cells quoted as REDCap's export quotes them (see ``csv_line``); line ends are ``\\n``.

Versions from elsewhere (an ODM file) are written as far as a dictionary can say it: every form's
item groups are flattened in order (a repeating group becomes plain fields), only the first GE
and LE range checks become min/max, other range checks and units are left out, and names that
are not REDCap names are lower-cased with other characters turned into ``_``.
"""
from __future__ import annotations

import re

from . import dictionary_columns as dc
from .metadata import ItemDef, ItemRef, MetaDataVersion

_FIELD_TYPE_OF_CONTROL = {
    "input": "text", "textarea": "notes", "radio": "radio", "dropdown": "dropdown",
    "checkbox": "checkbox", "calc": "calc", "yesno": "yesno", "descriptive": "descriptive",
}
_VALIDATION_OF_TYPE = {"date": "date_ymd", "datetime": "datetime_ymd", "time": "time",
                       "integer": "integer", "partialDate": "date_ymd"}


def write_dictionary(version: MetaDataVersion) -> str:
    """The data dictionary CSV text (header and one row per item, form by form)."""
    lines = [dc.csv_line(dc.HEADERS)]
    for form in version.forms:
        form_name = _redcap_name(form.name or form.oid)
        for group_ref in _ordered(form.item_group_refs):
            group = version.item_group(group_ref.item_group_oid)
            for ref in _ordered(group.item_refs if group else ()):
                item = version.item(ref.item_oid)
                if item is not None:
                    lines.append(dc.csv_line(_row(version, form_name, item, ref)))
    return "".join(lines)


def derived_validation(data_type: str, digits: int | None, pattern: str | None) -> str:
    """The validation type the writer gives a text field of this data type (and pattern)."""
    if data_type == "float":
        return f"number_{digits}dp" if digits in (1, 2, 3, 4) else "number"
    if data_type == "text":
        return next((name for name, (t, _, p, _) in dc.VALIDATIONS.items()
                     if t == "text" and p and p == pattern), "")
    return _VALIDATION_OF_TYPE.get(data_type, "")


def _row(version: MetaDataVersion, form_name: str, item: ItemDef, ref: ItemRef) -> list[str]:
    field_type = dc.alias(item, dc.ALIAS_FIELD_TYPE) or _FIELD_TYPE_OF_CONTROL.get(item.control,
                                                                                 "text")
    choices = validation = low = high = ""
    if field_type in dc.CODED:
        codelist = version.codelist(item.codelist_oid)
        choices = dc.format_choices((i.coded_value, i.decode.text or i.coded_value)
                                    for i in (codelist.items if codelist else ()))
    elif field_type == "calc":
        method = version.method(ref.method_oid)
        choices = method.expression if method else ""
    elif field_type == "text":
        validation = dc.alias(item, dc.ALIAS_VALIDATION) or derived_validation(
            item.data_type, item.significant_digits, item.pattern)
        if validation and dc.VALIDATIONS.get(validation, (None,) * 4)[3]:
            low = _bound(item, "GE")
            high = _bound(item, "LE")
    return [
        item.variable or _redcap_name(item.name), form_name, item.section_header, field_type,
        item.question.text, choices, item.note, validation, low, high,
        "y" if item.identifier else "",
        dc.show_if(version.condition(ref.collection_exception_oid)),
        "y" if ref.mandatory else "",
        *(dc.alias(item, dc.ALIAS_COLUMNS[c]) for c in dc.ALIAS_COLUMNS),
    ]


def _bound(item: ItemDef, comparator: str) -> str:
    return next((c.values[0] for c in item.range_checks if c.comparator == comparator and c.values),
                "")


def _ordered(refs):
    """References by their ``order`` (those without one keep their place after the others)."""
    return sorted(refs, key=lambda r: (r.order is None, r.order or 0))


def _redcap_name(name: str) -> str:
    if dc.NAME.match(name):
        return name
    name = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    return name if name[:1].isalpha() else f"f_{name}"
