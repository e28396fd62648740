"""The data entry form of one CRF, built from its metadata: one kit field per item slot (input,
textarea, radio, dropdown, checkbox group, yes/no, read-only calculation), a null-flavour choice
beside each, and the reason for change once the form was saved before.

The service (``services.entry.save_form``) judges every value: the fields here check nothing
but the CSRF token, so each problem comes back from the one place the rules live."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import MultiCheckboxField, ToolForm

from ..domain.metadata import NULL_FLAVOURS
from ..services.layout import ItemSlot

TAG = re.compile(r"<[^>]*>")
INPUT_TYPES = {"date": "date", "datetime": "datetime-local", "time": "time"}
INPUT_MODES = {"integer": "numeric", "float": "decimal"}
NULL_CHOICES = [SelectChoice("", "Value given")] + [SelectChoice(code, NULL_FLAVOURS[code]) for code in ("ND", "UNK", "NA", "NASK")]


def plain(text: str) -> str:
    """Question texts and headers may carry REDCap's HTML: shown as plain text, never as markup
    (tags dropped, entities read, spaces collapsed; the template escapes the rest)."""
    return " ".join(html.unescape(TAG.sub(" ", text or "")).split())


@dataclass
class SlotView:
    """One item slot as the template draws it."""

    slot: ItemSlot
    field: object | None          # None: descriptive text only
    null: object | None
    header: str
    hint: str
    text: str

    @property
    def name(self) -> str:
        return self.slot.name


def _choices(slot: ItemSlot) -> list[SelectChoice]:
    if slot.codelist is None:
        return []
    return [SelectChoice(item.coded_value, item.decode.text or item.coded_value) for item in slot.codelist.items]


def _field_for(slot: ItemSlot, label: str, disabled: bool):
    item = slot.item
    kw = {"disabled": True} if disabled else {}
    if item.control in ("radio", "yesno"):
        return RadioField(label, choices=_choices(slot), validate_choice=False, render_kw=kw)
    if item.control == "dropdown":
        return SelectField(label, choices=[SelectChoice("", "Choose…")] + _choices(slot), validate_choice=False, render_kw=kw)
    if item.control == "checkbox":
        return MultiCheckboxField(label, choices=_choices(slot), validate_choice=False, render_kw=kw)
    if item.control == "textarea":
        return TextAreaField(label, render_kw={"rows": 3, **kw})
    if item.control == "calc" or slot.calculation:
        return StringField(label, render_kw={"readonly": True, "data-calculated": "1", **kw})
    attrs = dict(kw)
    if item.data_type in INPUT_TYPES:
        attrs["type"] = INPUT_TYPES[item.data_type]
        if item.data_type in ("datetime", "time"):
            attrs["step"] = 1
    elif item.data_type in INPUT_MODES:
        attrs["inputmode"] = INPUT_MODES[item.data_type]
    if item.length:
        attrs["maxlength"] = item.length
    return StringField(label, render_kw=attrs)


def _hint(slot: ItemSlot, units: list[str]) -> str:
    parts = []
    if slot.item.note:
        parts.append(plain(slot.item.note))
    parts += [f"in {unit}" for unit in units if unit and unit != slot.item.note]
    if slot.ref.mandatory:
        parts.append("required to complete the form")
    if slot.show_if:
        parts.append(f"shown only if {slot.show_if}")
    if slot.calculation:
        parts.append("calculated")
    text = "; ".join(parts)
    return text if slot.item.note else text[:1].upper() + text[1:]  # a note reads as written ("kg")


def build_entry_form(version, layout: list[ItemSlot], *, saved_before: bool, disabled: bool,
                     formdata=None, data=None) -> tuple[ToolForm, list[SlotView]]:
    """The form class for ``layout`` and its instance, with ``formdata`` (a post) or ``data``
    (stored values by input name); and what the template draws for each slot."""
    fields, plan = {}, []
    for slot in layout:
        label = plain(slot.item.question.text) or slot.item.name
        if slot.repeat > 1 or slot.group.repeating:
            label = f"{label} (row {slot.repeat})"
        if slot.item.control == "descriptive":
            plan.append((slot, None, None))
            continue
        fields[slot.name] = _field_for(slot, label, disabled)
        if not slot.calculation:
            attrs = {"aria-label": f"{label}: why the value is missing", **({"disabled": True} if disabled else {})}
            fields[f"{slot.name}__null"] = SelectField("If missing", choices=NULL_CHOICES, validate_choice=False,
                                                       render_kw=attrs)
        plan.append((slot, slot.name, None if slot.calculation else f"{slot.name}__null"))
    if saved_before:
        fields["reason"] = TextAreaField("Reason for change", render_kw={"rows": 2, "maxlength": 2000})
    form_class = type("EntryForm", (ToolForm,), fields)
    form = form_class(formdata=formdata, data=data or {})
    views = []
    for slot, field_name, null_name in plan:
        units = [version.unit(oid).symbol.text for oid in slot.item.unit_oids if version.unit(oid)]
        views.append(SlotView(slot, form[field_name] if field_name else None, form[null_name] if null_name else None,
                              plain(slot.item.section_header) if slot.repeat == 1 else "", _hint(slot, units),
                              plain(slot.item.question.text)))
    return form, views


def stored_data(layout: list[ItemSlot], stored: dict) -> dict:
    """The form's data from its stored values (checkbox codes as a list)."""
    data = {}
    for slot in layout:
        row = stored.get(slot.key)
        if row is None:
            continue
        if slot.item.control == "checkbox":
            data[slot.name] = (row.value or "").split(",") if row.value else []
        else:
            data[slot.name] = row.value or ""
        data[f"{slot.name}__null"] = row.null_flavour or ""
    return data
