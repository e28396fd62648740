"""REDCap's data quality rules A to H, and custom rules, over a study's captured data.

Pure: the caller gives the form instances (``FormData``: the metadata version each was entered
under, its subject, event, form and stored values) and gets ``Finding``s back. The rules, as
REDCap numbers them:

- A blank values: a shown, entered (not calculated) optional item with neither a value nor a
  null flavour. REDCap's A also lists required items; here they are rule B's only, so a blank is
  reported once;
- B blank required (Mandatory) items;
- C values that fail their data type (or length, digits, pattern);
- D values outside their range checks (soft or hard);
- E numbers beyond 2 standard deviations (sample) of the item's mean over all its values, when
  the item has at least ``OUTLIER_MIN_VALUES``;
- F items hidden by their branching logic that hold a value;
- G coded values (radio, dropdown, checkbox) that are not in the item's code list;
- H calculated items whose stored value differs from the recalculation.

A custom rule is a REDCap-syntax expression over one record (a subject at an event, with
``[event][variable]`` reaching its other events): where it is TRUE, that is a finding (REDCap's
meaning: the logic describes the discrepancy).
"""
from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .expressions import ExpressionError, parse
from .metadata import CodeList, ItemDef, ItemRef, MetaDataVersion
from .values import check_value

RULES = {
    "A": "Blank values",
    "B": "Blank values of required fields",
    "C": "Values of the wrong type",
    "D": "Values out of range",
    "E": "Outliers beyond 2 standard deviations",
    "F": "Hidden fields that hold values",
    "G": "Invalid choice codes",
    "H": "Wrong calculated values",
}
OUTLIER_MIN_VALUES = 3
_NUMERIC = ("integer", "float")
_CODED = ("radio", "dropdown", "checkbox")

Key = tuple[str, int, str]  # (item group OID, group repeat, item OID)


@dataclass(frozen=True)
class FormData:
    """One form instance as stored: ``values`` maps (group, repeat, item) to the stored text
    (None: blank); ``null_flavours`` the same keys to a null flavour code."""

    version: MetaDataVersion
    subject: str
    event: str
    form: str
    values: Mapping[Key, str | None]
    null_flavours: Mapping[Key, str] = field(default_factory=dict)
    event_repeat: int = 1
    #: the caller's handles (the subject's and the form instance's ids), passed to findings
    subject_ref: Any = None
    form_ref: Any = None


@dataclass(frozen=True)
class CustomRule:
    code: str
    name: str
    expression: str


@dataclass(frozen=True)
class Finding:
    rule: str                 # "A".."H", or a custom rule's code
    subject: str
    event: str
    form: str | None
    item: str | None          # item OID
    group: str | None
    repeat: int | None
    message: str
    subject_ref: Any = None
    form_ref: Any = None
    value: str | None = None


@dataclass
class _Slot:
    data: FormData
    key: Key
    ref: ItemRef
    item: ItemDef
    codelist: CodeList | None
    calculation: str | None
    shown: bool

    @property
    def value(self) -> str | None:
        value = self.data.values.get(self.key)
        return value if value not in (None, "") else None

    def finding(self, rule: str, message: str) -> Finding:
        group, repeat, item = self.key
        return Finding(rule, self.data.subject, self.data.event, self.data.form, item, group, repeat, message,
                       self.data.subject_ref, self.data.form_ref, self.value)


def record_values(forms: Iterable[FormData]) -> dict[tuple[str, str], dict[str, str]]:
    """(subject, event OID) -> variable -> value: the first occurrence of each event and group."""
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for data in forms:
        if data.event_repeat != 1:
            continue
        record = found[(data.subject, data.event)]
        for (_group, repeat, item_oid), value in data.values.items():
            item = data.version.item(item_oid)
            if repeat == 1 and item is not None and item.variable and value not in (None, ""):
                record[item.variable] = value
    return found


def _lookup(records, subject: str, version: MetaDataVersion):
    names = {event.name: event.oid for event in version.events}

    def lookup(event: str, variable: str):
        return records.get((subject, names.get(event, event)), {}).get(variable)
    return lookup


def _hidden(version: MetaDataVersion, ref: ItemRef, values, lookup) -> bool:
    condition = version.condition(ref.collection_exception_oid)
    if condition is None or condition.context != "REDCap":
        return False
    try:
        return parse(condition.expression).evaluate_bool(values, lookup=lookup)
    except ExpressionError:
        return False  # bad logic never hides data


def _slots(data: FormData, records) -> Iterable[tuple[_Slot, dict, Any]]:
    version = data.version
    form = version.form(data.form)
    if form is None:
        return
    base = records.get((data.subject, data.event), {}) if data.event_repeat == 1 else {}
    lookup = _lookup(records, data.subject, version)
    repeats: dict[str, int] = {}
    for group_oid, repeat, _ in data.values:
        repeats[group_oid] = max(repeats.get(group_oid, 1), repeat)
    for group_ref in form.item_group_refs:
        group = version.item_group(group_ref.item_group_oid)
        if group is None:
            continue
        for repeat in range(1, repeats.get(group.oid, 1) + 1):
            values = dict(base)
            for (group_oid, row, item_oid), value in data.values.items():
                item = version.item(item_oid)
                if group_oid == group.oid and row == repeat and item is not None and value not in (None, ""):
                    values[item.variable] = value
            for ref in group.item_refs:
                item = version.item(ref.item_oid)
                if item is None or item.control == "descriptive":
                    continue
                method = version.method(ref.method_oid)
                yield _Slot(data, (group.oid, repeat, item.oid), ref, item, version.codelist(item.codelist_oid),
                            method.expression if method else None,
                            not _hidden(version, ref, values, lookup)), values, lookup


def _label(item: ItemDef) -> str:
    text = " ".join(re.sub(r"<[^>]*>", " ", item.question.text).split())
    return text if 0 < len(text) <= 60 else (item.variable or item.name)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _value_findings(slot: _Slot, values, lookup, now: datetime) -> list[Finding]:
    found = []
    value, null = slot.value, slot.data.null_flavours.get(slot.key)
    label = _label(slot.item)
    if not slot.shown:
        if value is not None:
            found.append(slot.finding("F", f"{label} holds {value} but its branching logic hides it."))
        return found
    if slot.calculation:
        expected = _recalculate(slot, values, lookup)
        stored = _number(value)
        if (expected is None) != (stored is None) or (expected is not None and abs(expected - stored) > 1e-9):
            shown = "blank" if expected is None else f"{expected:g}"
            found.append(slot.finding("H", f"{label} is {value or 'blank'}; its calculation gives {shown}."))
        return found
    if value is None and null is None:
        rule = "B" if slot.ref.mandatory else "A"
        found.append(slot.finding(rule, f"{label} is blank{' (a required field)' if rule == 'B' else ''}."))
        return found
    if value is None:
        return found
    if slot.item.control in _CODED or slot.codelist is not None:
        codes = slot.codelist.codes if slot.codelist else ()
        given = [c.strip() for c in value.split(",")] if slot.item.control == "checkbox" else [value]
        bad = [code for code in given if code not in codes]
        if bad:
            found.append(slot.finding("G", f"{label} holds {', '.join(bad)}, which is not among its choices "
                                           f"({', '.join(codes) or 'none defined'})."))
        return found
    check = check_value(slot.item, value, None, now=now)
    for problem in check.problems:
        found.append(slot.finding("D" if problem.kind == "range" else "C", problem.message))
    return found


def _recalculate(slot: _Slot, values, lookup) -> float | None:
    try:
        result = parse(slot.calculation).evaluate_number(values, lookup=lookup)
    except ExpressionError:
        return None
    if result is None:
        return None
    digits = slot.item.significant_digits
    return float(round(result, digits)) if digits is not None and not float(result).is_integer() else float(result)


def _outliers(slots: list[_Slot]) -> list[Finding]:
    by_item: dict[str, list[tuple[_Slot, float]]] = defaultdict(list)
    for slot in slots:
        if slot.shown and slot.item.data_type in _NUMERIC and slot.codelist is None:
            number = _number(slot.value)
            if number is not None:
                by_item[slot.item.oid].append((slot, number))
    found = []
    for pairs in by_item.values():
        if len(pairs) < OUTLIER_MIN_VALUES:
            continue
        numbers = [number for _, number in pairs]
        mean, sd = statistics.fmean(numbers), statistics.stdev(numbers)
        for slot, number in pairs:
            if sd > 0 and abs(number - mean) > 2 * sd:
                found.append(slot.finding("E", f"{_label(slot.item)} {slot.value} is more than 2 standard "
                                               f"deviations from the mean {mean:.4g} (SD {sd:.4g})."))
    return found


def run_rules(forms: Iterable[FormData], rules: Iterable[str] = tuple(RULES), *,
              now: datetime | None = None) -> list[Finding]:
    """The findings of the built-in ``rules`` over ``forms``, in rule order, then as given."""
    forms = list(forms)
    wanted = set(rules)
    records = record_values(forms)
    now = now or datetime.now()
    slots, found = [], []
    for data in forms:
        for slot, values, lookup in _slots(data, records):
            slots.append(slot)
            found.extend(f for f in _value_findings(slot, values, lookup, now) if f.rule in wanted)
    if "E" in wanted:
        found.extend(_outliers(slots))
    order = list(RULES)
    return sorted(found, key=lambda f: order.index(f.rule))


def run_custom(rule: CustomRule, forms: Iterable[FormData]) -> list[Finding]:
    """One finding per record (subject at an event) where ``rule``'s expression is TRUE; an
    expression that cannot be evaluated for a record is a finding saying so. Raises
    ``ExpressionError`` when the expression does not parse (``expressions.validate`` first)."""
    expression = parse(rule.expression)
    forms = list(forms)
    records = record_values(forms)
    seen, found = set(), []
    for data in forms:
        record = (data.subject, data.event)
        if record in seen or data.event_repeat != 1:
            continue
        seen.add(record)
        try:
            hit = expression.evaluate_bool(records.get(record, {}), event=data.event,
                                                       lookup=_lookup(records, data.subject, data.version))
        except ExpressionError as exc:
            found.append(Finding(rule.code, data.subject, data.event, None, None, None, None,
                                 f"{rule.name}: cannot be evaluated ({exc}).", data.subject_ref))
            continue
        if hit:
            found.append(Finding(rule.code, data.subject, data.event, None, None, None, None, rule.name,
                                 data.subject_ref))
    return found
