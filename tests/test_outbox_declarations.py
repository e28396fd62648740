"""Typed, versioned event declarations: the platform's in sdk.events, a third-party tool's in
its manifest (only under its own key, never a platform event again); payloads are checked
against them before anything is written (issue 9, item 4)."""
from __future__ import annotations

import dataclasses
import math
from datetime import date

import pytest

from sdk.events import (
    EVENT_CATALOG,
    EventError,
    EventPayloadError,
    EventSpec,
    check_event,
    declare_event,
    event_spec_problems,
)
from tests.generated_tools import make_tool
from tests.outbox_helpers import deliveries, emit, outbox_events
from tests.runtime_fixtures import support_of

READING = EventSpec("lab.reading_taken", "A freezer reading was taken.",
                    {"freezer_id": int, "celsius": float, "note": (str, None), "extra": object})


def tool_declaring(key: str, *events, handlers=None):
    module = make_tool(key, handlers=handlers or {})
    module.manifest = dataclasses.replace(module.manifest, events=tuple(events))
    return module


@pytest.mark.parametrize("spec, problem", [
    (EventSpec("other.reading", "x", {"a": int}), "a tool declares only events named 'lab.<event>'"),
    (EventSpec("lab.untyped", "x", ("a", "b")), "give each payload key a type"),
    (EventSpec("lab.odd_type", "x", {"a": set}), "types are str, int, float, bool, list, dict, object"),
    (EventSpec("lab.only_null", "x", {"a": None}), "types are str, int, float, bool, list, dict, object"),
    (EventSpec("lab.BadKey", "x", {"a": int}), "the name must be '<tool key>.<event>' in lower case"),
    (EventSpec("lab.no_text", " ", {"a": int}), "a description is required"),
    (EventSpec("lab.v0", "x", {"a": int}, version=0), "version must be a whole number from 1"),
    (EventSpec("lab.rec", "x", {"study": str}, record=("study", "study")),
     "record key 'study' must be a payload key declared as int"),
    (EventSpec("lab.rec2", "x", {"study": int}, record=("study",)), "record must be (record_type, payload key)"),
    (EventSpec("lab.keys", "x", {"Bad Key": int}), "payload key 'Bad Key' is invalid"),
    ("lab.not_a_spec", "events must be sdk.events.EventSpec, not str"),
])
def test_a_bad_declaration_is_named(spec, problem):
    found = event_spec_problems(spec, "lab")
    assert any(problem in p for p in found), found


def test_a_good_declaration_has_no_problem():
    assert event_spec_problems(READING, "lab") == []
    assert event_spec_problems(EventSpec("lab.shared", "x", {"study_id": int}, record=("study", "study_id")),
                               "lab") == []


def test_a_platform_event_cannot_be_declared_again():
    found = event_spec_problems(EventSpec("edc.subject_screened", "mine", {"subject_ref": str}), "edc")
    assert found == ["event edc.subject_screened: a platform event (sdk.events) cannot be declared again"]


def test_a_bad_platform_declaration_is_refused_at_once(monkeypatch):
    monkeypatch.setattr("sdk.events.EVENT_CATALOG", dict(EVENT_CATALOG))
    with pytest.raises(EventError, match="payload must map each key to its type"):
        declare_event("qa.broken", "A broken declaration.", "sample_id")


@pytest.mark.parametrize("payload, message", [
    ({"freezer_id": 1, "celsius": "cold", "note": None, "extra": 1}, "celsius must be float, not str"),
    ({"freezer_id": 1.5, "celsius": 1, "note": None, "extra": 1}, "freezer_id must be int, not float"),
    ({"freezer_id": 1, "celsius": math.nan, "note": None, "extra": 1}, "celsius must be float, not float"),
    ({"freezer_id": None, "celsius": 1.0, "note": None, "extra": 1}, "freezer_id must be int, not null"),
    ({"freezer_id": 1, "celsius": 1.0, "note": 3, "extra": 1}, "note must be str or null, not int"),
    ({"freezer_id": 1, "celsius": 1.0, "note": None, "extra": date(2025, 1, 1)}, "payload is not JSON data"),
    ({"freezer_id": 1, "celsius": 1.0, "note": None}, "missing payload keys: extra"),
])
def test_a_payload_that_does_not_match_is_refused(payload, message):
    with pytest.raises(EventPayloadError, match=message):
        check_event(READING.name, payload, {READING.name: READING})


def test_a_matching_payload_passes_with_ints_for_floats_and_extra_keys():
    payload = {"freezer_id": 1, "celsius": -80, "note": None, "extra": {"any": ["json"]}, "later_field": "kept"}
    assert check_event(READING.name, payload, {READING.name: READING}) is READING


def test_a_tools_manifest_events_join_its_apps_catalog_only(app_with, fast_user):
    received = []
    app = app_with(tool_declaring("lab", READING, handlers={READING.name: received.append}))
    plain = app_with()
    assert app.extensions["trialoffice.registry"].event_catalog()[READING.name] is READING
    assert READING.name not in plain.extensions["trialoffice.registry"].event_catalog()
    assert READING.name not in EVENT_CATALOG
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "lab", enable=True)
    with pytest.raises(EventPayloadError, match="celsius must be float, not str"):
        emit(app, acme, {"freezer_id": 1, "celsius": "cold", "note": None, "extra": 0},
             name=READING.name, as_tool="lab")
    assert outbox_events(app) == []  # refused before anything was written
    event_id = emit(app, acme, {"freezer_id": 1, "celsius": -79.5, "note": "ok", "extra": 0},
                    name=READING.name, as_tool="lab")
    [event] = outbox_events(app)
    assert (event.id, event.name, event.version, event.source, event.payload["celsius"]) == (
        event_id, READING.name, 1, "lab", -79.5)
    assert [(e.id, e.version, e.payload["note"]) for e in received] == [(event_id, 1, "ok")]


@pytest.mark.parametrize("events, reason", [
    ((EventSpec("edc.subject_screened", "again", {"subject_ref": str}),),
     "a tool declares only events named 'lab.<event>'"),
    ((READING, READING), "events declared twice: lab.reading_taken"),
    ((EventSpec("lab.untyped", "x", ("a",)),), "give each payload key a type"),
])
def test_a_tool_with_a_bad_event_declaration_is_unavailable(app_with, events, reason):
    app = app_with(tool_declaring("lab", *events))
    record = app.extensions["trialoffice.registry"].records["lab"]
    assert not record.available and reason in record.reason
    assert not any(name.startswith("lab.") for name in app.extensions["trialoffice.registry"].event_catalog())


def test_an_event_with_no_listener_is_kept_but_delivered_to_no_one(app_with, fast_user):
    app = app_with(tool_declaring("lab", READING))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "lab", enable=True)
    emit(app, acme, {"freezer_id": 2, "celsius": 1.0, "note": None, "extra": None}, name=READING.name, as_tool="lab")
    assert len(outbox_events(app)) == 1 and deliveries(app) == []
