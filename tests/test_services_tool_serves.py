"""``services().tool_serves(key)``: whether another tool serves the current organization, so a
tool can offer a hand-off to it (installed, licensed and enabled; never across organizations)."""
from __future__ import annotations

from sdk import org_scope, services
from tests.generated_tools import make_tool
from tests.runtime_fixtures import support_of


def serves(app, org, key):
    with app.app_context(), org_scope(org.id):
        return services().tool_serves(key)


def test_tool_serves_only_when_installed_licensed_and_enabled(app_with, fast_user):
    app = app_with(make_tool("planner"))
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    other = support.create_org("other", owner=fast_user("owner@other.org"))
    assert serves(app, acme, "planner") is False
    support.grant_license(acme, "planner")
    assert serves(app, acme, "planner") is False
    support.set_enabled(acme, "planner", True)
    assert serves(app, acme, "planner") is True
    assert serves(app, other, "planner") is False
    assert serves(app, acme, "not_installed") is False
    support.grant_license(other, "planner", status="lapsed", enable=True)
    assert serves(app, other, "planner") is False


def test_tool_serves_is_false_without_an_organization(app):
    with app.app_context():
        assert services().tool_serves("testtool") is False
