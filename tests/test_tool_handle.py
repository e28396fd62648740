"""SDK API level 2: each tool reaches the host through a handle bound to its own key.

A level-2 tool ("peeker") reads only its own settings, checks only its own permissions and
writes audit entries only as itself, through ``sdk.tool()`` and through the level-1 services
alike; the level-1 test tool keeps passing keys by hand as before.
"""
from __future__ import annotations

import click
import pytest
from flask import Blueprint
from sqlalchemy import select

from host.compliance.trail import record_history
from host.db import get_db
from host.models.compliance import AuditEntry
from sdk import ToolContextError, org_scope, services, tool
from sdk.events import EVENT_CATALOG, EventSpec
from tests.generated_tools import make_tool
from tests.runtime_fixtures import signed_in, support_of

EVENT = "qa.peeked"
ATTEMPTS = {
    "settings": lambda: services().settings("testtool").all(),
    "permission": lambda: services().has_permission("testtool", "edit"),
    "audit": lambda: services().audit.record(tool="testtool", entity_type="record", entity_id="1",
                                             action="forged"),
    "history": lambda: services().audit.history(tool="testtool", entity_type="record", entity_id="1"),
}


def _peeker_blueprint() -> Blueprint:
    bp = Blueprint("peeker", __name__)

    @bp.get("/")
    def index():
        return f"{tool().key} greets {tool().current_org().slug}"

    @bp.get("/own")
    def own():
        tool().audit.record(entity_type="probe", entity_id="1", action="looked")
        services().db_session().commit()
        return repr(sorted(tool().settings.all().items()))

    @bp.get("/peek/<what>")
    def peek(what):
        try:
            ATTEMPTS[what]()
        except PermissionError as exc:
            return f"refused: {exc}"
        return "allowed"

    return bp


@pytest.fixture
def world(app_with, fast_user, monkeypatch):
    monkeypatch.setitem(EVENT_CATALOG, EVENT, EventSpec(EVENT, "A test event.", ()))
    seen = []

    @click.command("whoami")
    def whoami():
        click.echo(tool().key)

    peeker = make_tool("peeker", api_level=2, tool_blueprint=_peeker_blueprint,
                       handlers={EVENT: lambda event: seen.append(tool().key)},
                       cli_commands=lambda: [whoami])
    app = app_with(peeker)
    support = support_of(app)
    owner = fast_user("owner@acme.org")
    acme = support.create_org("acme", owner=owner)
    for key in ("peeker", "testtool"):
        support.grant_license(acme, key, enable=True)
    return {"app": app, "acme": acme, "client": signed_in(app, owner), "seen": seen, "peeker": peeker}


@pytest.mark.parametrize("what", sorted(ATTEMPTS))
def test_a_level_two_tool_cannot_act_under_another_tools_key(world, what):
    page = world["client"].get(f"/o/acme/peeker/peek/{what}").get_data(as_text=True)
    assert page.startswith("refused: tool 'peeker' (SDK API level 2) cannot")
    with world["app"].app_context(), org_scope(world["acme"].id):
        session = get_db(world["app"]).session
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "forged")).all() == []


def test_the_handle_is_the_running_tools_own(world):
    client = world["client"]
    assert client.get("/o/acme/peeker/").get_data(as_text=True) == "peeker greets acme"
    assert client.get("/o/acme/peeker/own").get_data(as_text=True) == "[]"
    with world["app"].app_context(), org_scope(world["acme"].id):
        entries = record_history(get_db(world["app"]).session, world["acme"].id, "peeker", "probe", "1")
    assert [(e.tool, e.action) for e in entries] == [("peeker", "looked")]


def test_event_handlers_and_commands_run_as_their_tool(world, invoke):
    with world["app"].app_context(), org_scope(world["acme"].id):
        services().events.emit(EVENT, {})
        services().db_session().commit()  # events are delivered after the emitter commits
    assert world["seen"] == ["peeker"]
    result = invoke("tools", "peeker", "whoami", plugins=(world["peeker"],))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "peeker"


def test_a_level_one_tool_still_passes_keys_by_hand(world):
    app, acme = world["app"], world["acme"]
    with app.test_request_context(), org_scope(acme.id), support_of(app).running_tool("testtool"):
        assert services().settings("testtool").get("greeting") == "Hello"
        assert services().settings("peeker").all() == {}  # level 1 is unchanged
        assert tool().settings.get("greeting") == "Hello"
    page = world["client"].get("/o/acme/testtool/")
    assert page.status_code == 200


def test_tool_outside_any_tools_code_is_refused(world):
    with world["app"].app_context(), pytest.raises(ToolContextError, match="support.running_tool"):
        tool()
