"""Fixtures for site_select's tests: an app with the tool (and a pmcp stand-in when the real
pmcp is not installed), two organizations with the tool licensed, and signed-in clients."""
from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

import pytest

from sdk import org_scope, tool
from sdk.tool import host_runs_tool

from . import pmcp_stub

TOOL = "site_select"


def _real_pmcp_installed() -> bool:
    return any(ep.name == "pmcp" for ep in entry_points(group="trialoffice.plugins"))


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [] if _real_pmcp_installed() else [pmcp_stub]


@pytest.fixture(autouse=True)
def clear_pmcp_stub():
    pmcp_stub.received.clear()
    yield
    pmcp_stub.received.clear()


@dataclass
class World:
    app: object
    acme: object
    other: object
    owner: object
    other_owner: object
    client: object
    other_client: object

    def run(self, org, fn, *args, **kwargs):
        """Call ``fn`` as site_select's code inside the app, as organization ``org``, and commit."""
        with self.app.test_request_context(), org_scope(org.id), host_runs_tool(TOOL):
            result = fn(*args, **kwargs)
            tool().db_session().commit()
            return result


@pytest.fixture
def world(app, make_user, make_org, grant_license, login_as):
    """acme and other, each with site_select licensed and enabled, each owner signed in.

    The app loads every installed tool (and the pmcp stand-in); only site_select is licensed.
    """
    owner, other_owner = make_user("owner@acme.example.org"), make_user("owner@other.example.org")
    acme, other = make_org("acme", owner=owner), make_org("other", owner=other_owner)
    grant_license(acme, TOOL, enable=True)
    grant_license(other, TOOL, enable=True)
    return World(app, acme, other, owner, other_owner, login_as(owner), login_as(other_owner))
