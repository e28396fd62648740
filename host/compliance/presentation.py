"""The audit trail as a reader sees it: who by name and email, when in the reader's time zone
to the second, the record and fields by the labels their models declare, money as money.

One presentation for the trail pages, the record history block and the CSV and PDF exports.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from sdk.audit import (
    AUDITED,
    SIGNATURE_MEANINGS,
    audited_model,
    field_label,
    humanize,
    is_person_field,
    is_time_field,
    money_currency,
    value_word,
)
from sdk.manifest import format_money

from ..db import db_session
from ..models import User
from ..templating import localtime

SECONDS = "%Y-%m-%d %H:%M:%S"
EMPTY = "—"
ACTION_LABELS = {
    "create": "Created", "update": "Changed", "delete": "Deleted", "sign": "Signed",
    "sign_failed": "Signature refused", "login": "Signed in", "login_failed": "Sign-in refused",
    "logout": "Signed out",
}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)$")


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str
    #: Stored the same before and after: shown for context only (the currency beside an amount).
    unchanged: bool = False


@dataclass(frozen=True)
class EntryView:
    entry: object
    when: str
    who: str
    who_email: str
    action_label: str
    record_label: str
    changes: list[FieldChange]

    @property
    def reason(self) -> str:
        return self.entry.reason or ""

    @property
    def row_attributes(self) -> dict:
        """Attributes of the entry's table row (the kit's table puts them on its ``<tr>``)."""
        return {"data-action": self.entry.action}

    @property
    def only_new(self) -> bool:
        """Nothing was there before (a creation, a signing): the new values alone say it all."""
        return self.entry.action != "update" and all(c.old == EMPTY for c in self.changes)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, humanize(action))


def show_value(model, key: str, value, values: dict, people: dict | None = None) -> str:
    """One stored value (JSON data, as captured) as text for a reader; ``people`` maps the user
    ids of person fields to users (see :func:`_people`)."""
    if value is None or value == "":
        return EMPTY
    word = value_word(model, key, value)
    if word is not None:
        return word
    if is_person_field(model, key) and isinstance(value, int) and not isinstance(value, bool):
        user = (people or {}).get(value)
        return f"{user.name} ({user.email})" if user is not None else f"User {value}"
    currency = money_currency(model, key, values)
    if currency and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, currency)
    if isinstance(value, str) and (is_time_field(model, key) or _ISO_TIME.match(value)):
        try:
            return localtime(datetime.fromisoformat(value.replace("Z", "+00:00")), SECONDS)
        except ValueError:
            return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "meaning" and value in SIGNATURE_MEANINGS:
        return SIGNATURE_MEANINGS[value]
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        return ", ".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return _described(value) or EMPTY
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _described(data: dict, separator: str = "; ") -> str:
    """A JSON object as "Key: value" pairs, its empty members left out (a ranking spec)."""
    parts = []
    for key in sorted(data):
        value = data[key]
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            value = f"({_described(value, ', ')})"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{humanize(str(key))}: {value}")
    return separator.join(parts)


def field_changes(entry, hide: frozenset[str] = frozenset(), people: dict | None = None) -> list[FieldChange]:
    model = audited_model(entry.tool, entry.entity_type)
    changes = {k: v for k, v in (entry.changes or {}).items() if k not in hide}
    olds = {k: pair[0] for k, pair in changes.items()}
    news = {k: pair[1] for k, pair in changes.items()}
    return [FieldChange(key, field_label(model, key), show_value(model, key, pair[0], olds, people),
                        show_value(model, key, pair[1], news, people), unchanged=pair[0] == pair[1])
            for key, pair in changes.items()]


def record_label(tool: str, entity_type: str, entity_id: str) -> str:
    model = audited_model(tool, entity_type)
    label = AUDITED[model].entity_label if model is not None else humanize(entity_type)
    return f"{label} {entity_id}"


def _named_in_changes(entry) -> set[int]:
    """The user ids that person fields of ``entry`` hold, before or after the change."""
    model = audited_model(entry.tool, entry.entity_type)
    return {value for key, pair in (entry.changes or {}).items() if is_person_field(model, key)
            for value in pair if isinstance(value, int) and not isinstance(value, bool)}


def _people(entries) -> tuple[dict, dict]:
    """The users who acted or are named in a change, by id and by email, in two queries."""
    ids = {int(e.actor_id) for e in entries
           if e.actor_type in ("user", "token") and e.actor_id and str(e.actor_id).isdigit()}
    for e in entries:
        ids |= _named_in_changes(e)
    emails = {e.actor_label.lower() for e in entries if e.actor_type == "user" and not e.actor_id}
    by_id, by_email = {}, {}
    if ids:
        by_id = {u.id: u for u in db_session().execute(
            select(User.id, User.name, User.email).where(User.id.in_(ids)))}
    if emails:
        by_email = {u.email.lower(): u for u in db_session().execute(
            select(User.id, User.name, User.email).where(func.lower(User.email).in_(emails)))}
    return by_id, by_email


def _who(entry, by_id: dict, by_email: dict) -> tuple[str, str]:
    user = None
    if entry.actor_type in ("user", "token") and entry.actor_id and str(entry.actor_id).isdigit():
        user = by_id.get(int(entry.actor_id))
    elif entry.actor_type == "user":
        user = by_email.get((entry.actor_label or "").lower())
    if user is not None:
        via = " (API token)" if entry.actor_type == "token" else ""
        return f"{user.name}{via}", user.email
    if entry.actor_type == "anonymous":
        return "Not signed in", entry.actor_label or ""
    if entry.actor_type == "user":
        return entry.actor_label, entry.actor_label
    return f"{humanize(entry.actor_type)}: {entry.actor_label}", ""


def present(entries, hide: frozenset[str] = frozenset()) -> list[EntryView]:
    """Reader-facing views of audit entries (the acting users loaded in one go); ``hide`` names
    fields left out (those a record's page shows anyway, such as its id)."""
    entries = list(entries)
    by_id, by_email = _people(entries)
    views = []
    for e in entries:
        who, email = _who(e, by_id, by_email)
        views.append(EntryView(e, localtime(e.at, SECONDS), who, email, action_label(e.action),
                               record_label(e.tool, e.entity_type, e.entity_id), field_changes(e, hide, by_id)))
    return views
