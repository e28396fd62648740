"""Domain events: how tools talk to each other without importing each other.

An event is declared once with its payload's keys and types, a version and, when it is about a
record that can be shared, which payload key holds that record's id. Platform events (the
first-party contracts) are declared here, in :data:`EVENT_CATALOG`, so that a consumer can be
written before its producer exists; a third-party tool declares its own in its manifest
(``Manifest.events``), named ``<tool key>.<event>``. The host delivers events through an outbox
(``docs/sdk/events.md``): after the emitter commits, each handler runs once per event id.

A payload field is typed by a JSON type (``str``, ``int``, ``float``, ``bool``, ``list``,
``dict``) or ``object`` (any JSON value), or a tuple of them; ``None`` in the tuple lets the value
be null. Every declared key must be present; extra keys are kept (a newer producer may add
fields before its consumers know them).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: The types a payload field may declare; ``object`` accepts any JSON value.
FIELD_TYPES: tuple[type, ...] = (str, int, float, bool, list, dict, object)
EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]{0,63}$")
PAYLOAD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_DESCRIPTION = 500


class EventError(ValueError):
    """An event that cannot be emitted; the message says why."""


class UnknownEventError(EventError):
    """The event's name is declared neither in :mod:`sdk.events` nor in a loaded tool's manifest."""


class EventPayloadError(EventError):
    """The payload does not match the event's declaration."""


@dataclass(frozen=True)
class EventSpec:
    """The declaration of one event.

    ``payload`` maps each key to its type (see the module's docstring); a tuple of key names is
    accepted as the level-1 shorthand for keys of any type. ``record`` = ``(record_type,
    payload key)`` names the shared record the event is about (the key holds its integer id);
    organizations holding a grant of that record receive the event too. Bump ``version`` when a
    payload changes incompatibly; handlers read ``event.version``.
    """

    name: str
    description: str
    payload: Any = ()
    version: int = 1
    record: tuple[str, str] | None = None
    #: True when ``payload`` was given as key names only (no types).
    untyped: bool = field(default=False, init=False, compare=False, repr=False)

    def __post_init__(self):
        # Stored as a tuple of (key, types) pairs so the spec stays hashable like the manifest.
        raw = self.payload
        object.__setattr__(self, "untyped", isinstance(raw, (tuple, list)) and bool(raw)
                           and all(isinstance(key, str) for key in raw))
        object.__setattr__(self, "payload", _normalized(raw))

    @property
    def fields(self) -> dict[str, tuple]:
        """``{key: (type, ...)}``; ``None`` among the types means the value may be null."""
        return dict(self.payload) if _is_normalized(self.payload) else {}


@dataclass(frozen=True)
class DomainEvent:
    """An event as a handler receives it.

    ``org_id`` is the organization it happened in (the owner, when a grant brought it to
    another organization: the handler then runs in the grantee's scope). ``id`` is the same on
    every delivery of the event, so it can serve as an idempotency key for external effects.
    """

    name: str
    org_id: int
    payload: dict = field(default_factory=dict)
    actor_user_id: int | None = None
    id: str = ""
    version: int = 1
    created_at: datetime | None = None


EVENT_CATALOG: dict[str, EventSpec] = {}
#: Names declared by the SDK itself: no tool may declare them again.
PLATFORM_EVENTS: set[str] = set()


def declare_event(name: str, description: str, payload, *, version: int = 1,
                  record: tuple[str, str] | None = None) -> EventSpec:
    """Declare a platform event (the SDK's own contracts; tools use ``Manifest.events``)."""
    spec = EventSpec(name, description, payload, version=version, record=record)
    problems = _spec_problems(spec)
    if problems:
        raise EventError(f"event {name!r}: " + "; ".join(problems))
    EVENT_CATALOG[name] = spec
    PLATFORM_EVENTS.add(name)
    return spec


def event_spec_problems(spec, tool_key: str) -> list[str]:
    """Every reason a tool's own event declaration (in its manifest) is invalid."""
    if not isinstance(spec, EventSpec):
        return [f"events must be sdk.events.EventSpec, not {type(spec).__name__}"]
    name = spec.name if isinstance(spec.name, str) else repr(spec.name)
    found = [f"event {name}: {problem}" for problem in _spec_problems(spec)]
    if isinstance(spec.name, str) and not spec.name.startswith(f"{tool_key}."):
        found.append(f"event {name}: a tool declares only events named '{tool_key}.<event>'")
    if spec.name in PLATFORM_EVENTS:
        found.append(f"event {name}: a platform event (sdk.events) cannot be declared again")
    if spec.untyped:
        found.append(f"event {name}: give each payload key a type ({{'key': str, ...}})")
    return found


def check_event(name: str, payload, catalog: dict[str, EventSpec] | None = None) -> EventSpec:
    """The spec of ``name`` if ``payload`` matches it; :class:`EventError` otherwise.

    ``catalog`` is the host's (platform events plus those of its loaded tools); the platform's
    own when omitted.
    """
    spec = (EVENT_CATALOG if catalog is None else catalog).get(name)
    if spec is None:
        raise UnknownEventError(f"event {name!r} is not declared in sdk.events or a loaded tool's manifest")
    if not isinstance(payload, dict):
        raise EventPayloadError(f"event {name!r} needs a dict payload, not {type(payload).__name__}")
    fields = spec.fields
    missing = [key for key in fields if key not in payload]
    if missing:
        raise EventPayloadError(f"event {name!r} is missing payload keys: {', '.join(missing)}")
    wrong = [f"{key} must be {_type_label(types)}, not {_value_label(payload[key])}"
             for key, types in fields.items() if not _matches(payload[key], types)]
    if wrong:
        raise EventPayloadError(f"event {name!r} has a wrong payload: {'; '.join(wrong)}")
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise EventPayloadError(f"event {name!r} payload is not JSON data: {exc}") from None
    return spec


def record_of(spec: EventSpec, payload: dict) -> tuple[str, int] | None:
    """``(record_type, record_id)`` of the shared record the event is about, if it names one."""
    if spec.record is None:
        return None
    record_type, key = spec.record
    value = payload.get(key)
    return (record_type, value) if isinstance(value, int) and not isinstance(value, bool) else None


def _normalized(payload):
    if isinstance(payload, dict):
        return tuple((key, _as_types(value)) for key, value in payload.items())
    if isinstance(payload, (tuple, list)) and all(isinstance(key, str) for key in payload):
        return tuple((key, (object,)) for key in payload)
    return payload  # left as given: _spec_problems names what is wrong


def _is_normalized(payload) -> bool:
    return isinstance(payload, tuple) and all(
        isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], tuple) for item in payload)


def _as_types(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _spec_problems(spec: EventSpec) -> list[str]:
    found = []
    if not isinstance(spec.name, str) or not EVENT_NAME.match(spec.name):
        found.append("the name must be '<tool key>.<event>' in lower case, e.g. 'edc.subject_enrolled'")
    if not isinstance(spec.description, str) or not spec.description.strip():
        found.append("a description is required")
    elif len(spec.description) > MAX_DESCRIPTION:
        found.append(f"keep the description under {MAX_DESCRIPTION} characters")
    if not isinstance(spec.version, int) or isinstance(spec.version, bool) or spec.version < 1:
        found.append("version must be a whole number from 1")
    if not _is_normalized(spec.payload):
        return found + ["payload must map each key to its type, e.g. {'sample_id': int}"]
    for key, types in spec.payload:
        if not isinstance(key, str) or not PAYLOAD_KEY.match(key):
            found.append(f"payload key {key!r} is invalid (lower case letters, digits, _)")
        bad = [t for t in types if t is not None and t not in FIELD_TYPES]
        if bad or not any(t is not None for t in types):
            found.append(f"payload key {key!r}: types are str, int, float, bool, list, dict, object "
                         "(None in a tuple allows null)")
    if spec.record is not None:
        found += _record_problems(spec)
    return found


def _record_problems(spec: EventSpec) -> list[str]:
    record = spec.record
    if not (isinstance(record, tuple) and len(record) == 2 and all(isinstance(p, str) and p for p in record)):
        return ["record must be (record_type, payload key)"]
    types = spec.fields.get(record[1])
    if types != (int,):
        return [f"record key {record[1]!r} must be a payload key declared as int (the record's id)"]
    return []


def _matches(value, types: tuple) -> bool:
    if value is None:
        return None in types or object in types
    for expected in types:
        if expected is object:
            return True
        if expected is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return not (isinstance(value, float) and not math.isfinite(value))
        if expected is int and isinstance(value, bool):
            continue
        if expected is not None and isinstance(value, expected):
            return True
    return False


def _type_label(types: tuple) -> str:
    names = [t.__name__ if t is not None else "null" for t in types]
    return " or ".join(names)


def _value_label(value) -> str:
    return "null" if value is None else type(value).__name__


declare_event("tool.enabled", "A tool was switched on for an organization (emitted by the host).",
              {"tool_key": str})
declare_event("tool.disabled", "A tool was switched off for an organization (emitted by the host; "
              "the tool switched off no longer receives events there).", {"tool_key": str})

# Clinical tools. ``site_ref`` is the site's reference in site_select's site master (carried to
# pmcp in ``site_select.activation_requested`` and on to edc); ``trial_ref`` is the trial's
# reference (protocol number or NCT id). Dates are ISO 8601 strings (YYYY-MM-DD).
declare_event("edc.subject_screened", "A subject signed consent and entered screening at a site.",
              {"trial_ref": str, "site_ref": str, "subject_ref": str, "screened_on": str})
declare_event("edc.subject_enrolled", "A screened subject was enrolled (passed screening) at a site.",
              {"trial_ref": str, "site_ref": str, "subject_ref": str, "enrolled_on": str})
declare_event("edc.form_completed",
              "A subject's form was completed at a site; counts feed the site's query rate.",
              {"trial_ref": str, "site_ref": str, "form_ref": str, "completed_on": str,
               "data_points": int, "queries": int})
declare_event("rtsm.subject_randomized",
              "A subject was randomized at a site. The arm never travels in an event: ``kit_ref`` "
              "is the kit assigned (null for a study without a kit list).",
              {"trial_ref": str, "site_ref": str, "subject_ref": str, "randomization_number": int,
               "kit_ref": (str, None), "randomized_on": str})
declare_event("rtsm.kit_dispensed", "A kit was dispensed to a randomized subject at a site.",
              {"trial_ref": str, "site_ref": str, "subject_ref": str, "kit_ref": str, "dispensed_on": str})
declare_event("pmcp.milestone_completed",
              "A trial milestone was completed; site milestones carry the site. ``milestone`` is one "
              "of site_selected, site_activated, first_subject_in, last_subject_in, protocol_deviation "
              "or a project milestone (site_ref empty).",
              {"trial_ref": str, "site_ref": str, "milestone": str, "completed_on": str})
declare_event("site_select.activation_requested",
              "A shortlist was handed to project planning: create the site-activation milestones. "
              "``sites`` is a list of {site_ref, name, country, city, expected_rate}.",
              {"shortlist_id": int, "shortlist_name": str, "trial_ref": str,
               "target_enrollment": (int, None), "target_lsi": (str, None), "sites": list})

# Documents: any tool hands a document to the organization's document tool (sdk.documents), which
# files it into the trial master file; edocs announces what it approved.
declare_event("documents.file_requested",
              "A tool asks the organization's document tool to file a document as a new draft into the "
              "binder of the study whose protocol is ``trial_ref``, at TMF artifact ``artifact`` "
              "(zone.section.artifact) and ``level`` (trial, country, site; ``site_ref`` for site). "
              "``file_key`` is the bytes' key in the organization's storage; ``source_tool`` the asking "
              "tool; ``document_date`` ISO 8601. Emitted by ``tool().documents.file(...)``.",
              {"trial_ref": str, "site_ref": (str, None), "artifact": str, "level": str, "title": str,
               "filename": str, "file_key": str, "source_tool": str, "document_date": (str, None)})
declare_event("edocs.document_approved",
              "A version of a TMF document was approved (signed with meaning approved) and became the "
              "current one. ``sha256`` is the approved file's digest, ``approved_on`` an ISO 8601 date; "
              "``site_ref`` is null for trial- and country-level documents.",
              {"trial_ref": str, "site_ref": (str, None), "artifact": str, "document_id": int,
               "version": int, "sha256": str, "approved_on": str})
