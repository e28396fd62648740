"""A form as the person filling it sees it: its item groups and items in order, each item with
its definition, code list, whether it is required, hidden by its branching logic or calculated.

Built from a metadata version (``domain.metadata``) and the subject's values; the same layout
serves the page, the live branching preview and the save."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.expressions import ExpressionError, parse
from ..domain.metadata import CodeList, FormDef, ItemDef, ItemGroupDef, ItemRef, MetaDataVersion

SEPARATOR = "__"


def field_name(group_oid: str, repeat: int, item_oid: str) -> str:
    """The input's name (and the problem's field) of one item in one group occurrence."""
    return f"{group_oid}{SEPARATOR}{repeat}{SEPARATOR}{item_oid}"


@dataclass(frozen=True)
class ItemSlot:
    group: ItemGroupDef
    repeat: int
    ref: ItemRef
    item: ItemDef
    codelist: CodeList | None
    show_if: str | None          # the REDCap show-if logic, None: always shown
    calculation: str | None      # the REDCap calculation, None: entered

    @property
    def name(self) -> str:
        return field_name(self.group.oid, self.repeat, self.item.oid)

    @property
    def key(self) -> tuple[str, int, str]:
        return self.group.oid, self.repeat, self.item.oid


def _show_if(version: MetaDataVersion, ref: ItemRef) -> str | None:
    """The condition under which the item is shown: ODM keeps the one under which it is not."""
    condition = version.condition(ref.collection_exception_oid)
    if condition is None or condition.context != "REDCap":
        return None
    text = condition.expression.strip()
    if text.startswith("not (") and text.endswith(")"):
        return text[5:-1]
    return f"not ({text})"


def slots(version: MetaDataVersion, form: FormDef, repeats: dict[str, int] | None = None) -> list[ItemSlot]:
    """Every item slot of ``form``: ``repeats`` gives a repeating group's number of rows (1 when
    not given)."""
    found = []
    for group_ref in sorted(form.item_group_refs, key=lambda r: (r.order is None, r.order or 0)):
        group = version.item_group(group_ref.item_group_oid)
        if group is None:
            continue
        for repeat in range(1, (repeats or {}).get(group.oid, 1) + 1):
            for ref in sorted(group.item_refs, key=lambda r: (r.order is None, r.order or 0)):
                item = version.item(ref.item_oid)
                if item is None:
                    continue
                method = version.method(ref.method_oid)
                found.append(ItemSlot(group, repeat, ref, item, version.codelist(item.codelist_oid),
                                      _show_if(version, ref), method.expression if method else None))
    return found


def is_shown(slot: ItemSlot, values: dict, *, lookup=None) -> bool:
    """Whether the slot's branching logic shows it for ``values`` (variable -> stored value)."""
    if not slot.show_if:
        return True
    try:
        return parse(slot.show_if).evaluate_bool(values, lookup=lookup)
    except ExpressionError:
        return True  # a definition's bad logic never hides data (the import refuses such logic)


def calculated(slot: ItemSlot, values: dict, *, lookup=None) -> str | None:
    """The calculated item's value as stored text, None when blank."""
    try:
        result = parse(slot.calculation).evaluate_number(values, lookup=lookup)
    except ExpressionError:
        return None
    if result is None:
        return None
    if float(result).is_integer():
        return str(int(result))
    digits = slot.item.significant_digits
    return f"{round(result, digits)}" if digits is not None else f"{result:.10g}"
