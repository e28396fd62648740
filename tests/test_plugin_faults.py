"""Plugin faults: a broken tool is shown as unavailable; the host and the other tools carry on.

Installed plugins are simulated with real entry points that point at modules under
``tests/plugins/``; tools that fail while serving are built with :mod:`tests.generated_tools`.
"""
from __future__ import annotations

import html

import pytest

from host.db import get_db
from host.demo import DEMO_ORGS, load_demo
from host.migrate import alembic_config, pending_heads
from sdk import NavItem, Widget
from tests.cli_fixtures import assert_one_line_error
from tests.generated_tools import make_tool
from tests.plugins import clitool, testtool
from tests.runtime_fixtures import signed_in, support_of

FAULTY = {"faulty_widget": "tests.plugins.faulty_widget", "faulty_nav": "tests.plugins.faulty_nav"}
BROKEN = {
    "broken_import": "tests.plugins.broken_import",
    "bad_api_level": "tests.plugins.bad_api_level",
    "invalid_manifest": "tests.plugins.invalid_manifest",
    "unknown_hook": "tests.plugins.unknown_hook",
    "broken_blueprint": "tests.plugins.broken_blueprint",
    "renamed_tool": "tests.plugins.faulty_widget",
}
REASONS = {
    "broken_import": ("import failed: ModuleNotFoundError", "trialoffice_missing_dependency"),
    "bad_api_level": ("needs SDK API level 99", "this host supports 1"),
    "invalid_manifest": ("invalid manifest", "'one point oh' is not a PEP 440 version",
                         "category 'astrology'", "amount must be a non-negative integer"),
    "unknown_hook": ("implements unknown hooks: page_footer",),
    "broken_blueprint": ("blueprint failed: RuntimeError: templates folder missing",),
    "renamed_tool": ("entry point name 'renamed_tool' does not match manifest key 'faulty_widget'",),
}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def serving(fast_user):
    """``serving(app, *keys)``: org acme whose owner is signed in; the tools are licensed and on."""

    def build(app, *keys):
        support = support_of(app)
        owner = fast_user("owner@acme.org")
        org = support.create_org("acme", owner=owner)
        for key in keys:
            support.grant_license(org, key, enable=True)
        return signed_in(app, owner)

    return build


def records(app):
    return app.extensions["trialoffice.registry"].records


def test_failing_widget_leaves_the_home_page_up(make_app, fake_entry_points, serving):
    fake_entry_points(FAULTY)
    app = make_app()
    client = serving(app, "testtool", *FAULTY)
    response = client.get("/o/acme/")
    assert response.status_code == 200
    page = text_of(response)
    assert "records in Acme" in page
    assert "widget of faulty_nav" in page
    faulty_panel = page.split('data-tool="faulty_widget"', 1)[1].split("</section>", 1)[0]
    assert "Faulty Widget" in faulty_panel
    assert "This tool is unavailable" in faulty_panel
    assert "widget storage is offline" not in page
    assert page.count("This tool is unavailable") == 1
    assert records(app)["faulty_widget"].failures["dashboard_widgets"] == 1
    assert client.get("/o/acme/").status_code == 200
    assert records(app)["faulty_widget"].failures["dashboard_widgets"] == 2
    assert records(app)["faulty_widget"].available, "a failing hook does not unregister the tool"


def test_failing_navigation_leaves_every_page_up(make_app, fake_entry_points, serving):
    fake_entry_points(FAULTY)
    app = make_app()
    client = serving(app, "testtool", *FAULTY)
    for url in ("/o/acme/", "/o/acme/testtool/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'href="/o/acme/testtool/" data-tool="testtool"' in text_of(response)
    assert records(app)["faulty_nav"].failures["navigation_items"] == 2


def _lazy_widgets(org, user):
    yield Widget("first", "<p>first</p>")
    raise RuntimeError("failed half-way")


@pytest.mark.parametrize("hook, value", [
    ("dashboard_widgets", _lazy_widgets),
    ("dashboard_widgets", lambda org, user: Widget("not in a list", "<p>x</p>")),
    ("dashboard_widgets", lambda org, user: ["<p>a string, not a Widget</p>"]),
    ("navigation_items", lambda org, user: "tool.index"),
    ("navigation_items", lambda org, user: [NavItem("Lost", "nowhere.index")]),
])
def test_hook_returning_garbage_counts_as_that_tools_failure(app_with, serving, hook, value):
    bad, good = make_tool("bad_tool", **{hook: value}), make_tool("good_tool")
    app = app_with(bad, good)
    client = serving(app, "testtool", "bad_tool", "good_tool")
    for url in ("/o/acme/", "/o/acme/testtool/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'href="/o/acme/good_tool/"' in text_of(response)
    assert client.get("/o/acme/good_tool/").status_code == 200
    assert "good_tool widget for acme" in text_of(client.get("/o/acme/"))
    assert records(app)["bad_tool"].failures[hook] >= 1
    assert not records(app)["good_tool"].failures


def test_broken_plugins_are_listed_with_their_reason_and_the_app_serves(make_app, fake_entry_points,
                                                                        serving, fast_user):
    fake_entry_points(BROKEN)
    app = make_app()
    found = records(app)
    for key, fragments in REASONS.items():
        assert not found[key].available, key
        for fragment in fragments:
            assert fragment in found[key].reason, (key, found[key].reason)
    assert found["testtool"].available
    assert found["broken_blueprint"].failures == {"tool_blueprint": 1}
    assert found["bad_api_level"].version == "1.0.0" and found["bad_api_level"].api_level == 99

    client = serving(app, "testtool")
    assert app.test_client().get("/healthz").status_code == 200
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/o/acme/testtool/").status_code == 200
    assert client.get("/o/acme/broken_blueprint/").status_code == 404
    assert client.get("/marketplace/bad_api_level").status_code == 404

    admin = signed_in(app, fast_user("root@trialoffice.test", platform_admin=True))
    listing = text_of(admin.get("/admin/plugins"))
    for key, fragments in REASONS.items():
        assert key in listing and fragments[0] in listing, key


def test_licensed_tool_that_no_longer_loads_is_skipped(make_app, fake_entry_points, serving):
    """An organization holding a tool that now fails to import still gets every page."""
    fake_entry_points({"broken_import": "tests.plugins.broken_import"})
    app = make_app()
    client = serving(app, "testtool", "broken_import")
    for url in ("/o/acme/", "/o/acme/testtool/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Broken Import" not in text_of(response)
    assert client.get("/o/acme/broken_import/").status_code == 404


def _explode(*args):
    raise RuntimeError("hook bug")


def test_failing_migrations_dir_hook_leaves_the_other_branches(app_with):
    app = app_with(make_tool("nomig", migrations_dir=lambda: _explode()))
    with app.app_context():
        locations = alembic_config(app).get_main_option("version_locations")
        assert str(testtool.migrations_dir()) in locations
        assert pending_heads(app) == set()
    assert records(app)["nomig"].failures["migrations_dir"] >= 1


def test_failing_migrations_dir_hook_fails_db_upgrade_naming_the_tool(invoke):
    """Upgrading without a tool's branch would report success and leave its tables missing."""
    nomig = make_tool("nomig", migrations_dir=lambda: _explode())
    result = invoke("db", "upgrade", plugins=[nomig])
    assert_one_line_error(result, "nomig", "migrations_dir", "RuntimeError: hook bug")
    assert invoke("db", "upgrade").exit_code == 0


def test_failing_cli_commands_hook_leaves_the_other_tools_commands(invoke):
    noisy = make_tool("noisy", cli_commands=lambda: _explode())
    listing = invoke("tools", "--help", plugins=[clitool, noisy])
    assert listing.exit_code == 0 and "clitool" in listing.stdout and "noisy" not in listing.stdout
    assert invoke("tools", "clitool", "hello", plugins=[clitool, noisy]).stdout == "Hello, world!\n"
    refused = invoke("tools", "noisy", "anything", plugins=[clitool, noisy])
    assert refused.exit_code != 0
    assert "failed to provide its commands: RuntimeError: hook bug" in refused.output


def test_failing_demo_data_hook_leaves_the_other_tools_demo(app_with):
    filled = []
    good = make_tool("good_demo", demo_data=lambda org, user: filled.append(org.slug))
    bad = make_tool("bad_demo", demo_data=lambda org, user: _explode())
    app = app_with(good, bad, plugins=["good_demo", "bad_demo"])
    with app.app_context():
        report = load_demo(get_db(app).session)
    assert sorted(filled) == sorted(spec.slug for spec in DEMO_ORGS)
    assert sorted(report.tools_started) == sorted((spec.slug, "good_demo") for spec in DEMO_ORGS)
    assert all("'bad_demo' failed (RuntimeError: hook bug)" in p for p in report.problems)
    assert records(app)["bad_demo"].failures["demo_data"] == len(DEMO_ORGS)
