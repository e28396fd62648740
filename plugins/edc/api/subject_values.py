"""Form data in the API's terms: items by variable or item OID (``GROUP__row__ITEM`` for a
repeating group's other rows), translated to and from the input names the service uses."""
from __future__ import annotations

from sdk.forms import InputProblems

from ..services.schedule import form_state


def _key(slot) -> str:
    """What the API calls the slot: its variable (its item OID without one) in the first row."""
    return (slot.item.variable or slot.item.oid) if slot.repeat == 1 else slot.name


def _text(value) -> str | list[str]:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def posted_from(layout, stored: dict, values: dict, null_flavours: dict) -> tuple[dict, dict, InputProblems]:
    """(posted by input name, input name -> the API's name, problems with unknown items).

    Items the body does not name keep their stored values (``null`` or ``""`` clears one)."""
    by_key, names, posted = {}, {}, {}
    for slot in layout:
        if slot.item.control == "descriptive" or slot.calculation:
            continue
        names[slot.name] = _key(slot)
        by_key[slot.name] = slot
        row = stored.get(slot.key)
        if row is not None:
            posted[slot.name] = row.value or ""
            posted[f"{slot.name}__null"] = row.null_flavour or ""
        if slot.repeat == 1:
            by_key.setdefault(slot.item.oid, slot)
            if slot.item.variable:
                by_key.setdefault(slot.item.variable, slot)
    problems = InputProblems()
    for where, given, suffix in (("values", values, ""), ("null_flavours", null_flavours, "__null")):
        for key, value in given.items():
            slot = by_key.get(key)
            if slot is None:
                problems.add(f"{where}.{key}", f"The form has no item {key} to enter.")
            else:
                posted[slot.name + suffix] = _text(value)
                if not suffix and f"{key}" not in null_flavours:
                    posted.pop(f"{slot.name}__null", None)  # a value given replaces a null flavour
    return posted, names, problems


def renamed(problems: InputProblems, names: dict) -> InputProblems:
    """The service's problems with each field as the API names it."""
    return InputProblems([(names.get(field, field) if field else None, message) for field, message in problems.items])


def form_json(subject, event_oid: str, form_oid: str, occurrence: int, context) -> dict:
    version = context.version_row
    items, values = [], {}
    for slot in context.layout:
        row = context.stored.get(slot.key)
        if row is None:
            continue
        items.append({"item_oid": slot.item.oid, "variable": slot.item.variable, "group_oid": slot.group.oid,
                      "row": slot.repeat, "value": row.value, "null_flavour": row.null_flavour})
        if slot.repeat == 1 and slot.item.variable:
            values[slot.item.variable] = row.value
    return {"subject_id": subject.id, "event_oid": event_oid, "occurrence": occurrence, "form_oid": form_oid,
            "state": form_state(context.form), "version": {"oid": version.oid, "name": version.name,
                                                           "number": version.number},
            "items": items, "values": values}
