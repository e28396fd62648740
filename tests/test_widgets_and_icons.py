"""Widgets are rendered by the host from the tool's templates, autoescaped; a widget that cannot be
rendered is its tool's failure, never the page's. Manifest and navigation icons are SVG icons of
the platform's set (``sdk.icons``), with the tool's initial for a tool without one."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from flask import Blueprint

from host.icons import ICON_DIR
from sdk import Manifest, NavItem, Plan, Widget
from sdk.icons import ICON_NAMES
from tests.generated_tools import make_tool
from tests.runtime_fixtures import signed_in, support_of

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def serving(fast_user):
    """``serving(app, *keys, org_name=...)``: org acme, its owner signed in, the tools on."""

    def build(app, *keys, org_name="Acme"):
        support = support_of(app)
        owner = fast_user("owner@acme.org")
        org = support.create_org("acme", owner=owner, name=org_name)
        for key in keys:
            support.grant_license(org, key, enable=True)
        return signed_in(app, owner)

    return build


def records(app):
    return app.extensions["trialoffice.registry"].records


def panel_of(page: str, key: str) -> str:
    return re.search(rf'<section class="widget[^"]*" data-tool="{key}">(.*?)</section>', page, re.S)[1]


def templated_tool(key: str, folder: Path, source: str, *, api_level: int = 2, **widget):
    """A tool whose blueprint's templates are ``folder``, its widget ``<key>/_widget.html`` made of
    ``source`` (``widget`` overrides the Widget's arguments)."""
    (folder / key).mkdir(parents=True, exist_ok=True)
    (folder / key / "_widget.html").write_text(source)

    def blueprint():
        bp = Blueprint(key, __name__, template_folder=str(folder))
        bp.add_url_rule("/", "index", lambda: f"{key} page")
        return bp

    options = {"template": f"{key}/_widget.html", **widget}
    return make_tool(key, api_level=api_level, tool_blueprint=blueprint,
                     dashboard_widgets=lambda org, user: [Widget(f"{key} widget", **options)])


def test_a_widget_names_a_template_or_level_one_html_but_not_both():
    assert Widget("Sites", template="site_select/_widget.html", context={"n": 1}).html is None
    assert Widget("Old", "<p>legacy</p>").template is None
    with pytest.raises(ValueError, match="not both or neither"):
        Widget("Both", "<p>x</p>", template="x/_w.html")
    with pytest.raises(ValueError, match="not both or neither"):
        Widget("Neither")
    with pytest.raises(ValueError, match=r"\.html file"):
        Widget("Text", template="x/_w.txt")
    with pytest.raises(ValueError, match="mapping"):
        Widget("List", template="x/_w.html", context=[1, 2])


def test_the_test_tools_widget_renders_its_template_escaped(app, serving):
    client = serving(app, "testtool", org_name=f"Acme {SCRIPT}")
    page = client.get("/o/acme/").get_data(as_text=True)
    panel = panel_of(page, "testtool")
    assert "0 records in Acme &lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert SCRIPT not in page


def test_a_template_gets_its_context_escaped_and_the_page_globals(app_with, serving, tmp_path):
    tool = templated_tool("tpl_tool", tmp_path, '<p>{{ note }}</p><a href="{{ url_for("tpl_tool.index") }}">'
                          "{{ current_org.slug }}</a>", context={"note": SCRIPT})
    client = serving(app_with(tool), "tpl_tool")
    panel = panel_of(client.get("/o/acme/").get_data(as_text=True), "tpl_tool")
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in panel
    assert '<a href="/o/acme/tpl_tool/">acme</a>' in panel


def test_level_one_html_is_shown_as_text_never_as_markup(app_with, serving):
    old = make_tool("old_tool", dashboard_widgets=lambda org, user: [
        Widget("Old", f'<p class="x">3 <b>records</b></p>{SCRIPT}<img src=x onerror="alert(2)">')])
    client = serving(app_with(old), "old_tool")
    panel = panel_of(client.get("/o/acme/").get_data(as_text=True), "old_tool")
    assert "3 records" in panel and "alert(1)" in panel
    assert "<b>" not in panel and "<script" not in panel and "<img" not in panel and "onerror" not in panel


@pytest.mark.parametrize("make", [
    lambda folder: templated_tool("bad_tool", folder, "<p>{{ missing.attribute.deeper }}</p>"),
    lambda folder: templated_tool("bad_tool", folder, "<p>{% for %}</p>"),
    lambda folder: templated_tool("bad_tool", folder, "<p>ok</p>", template="testtool/index.html"),
    lambda folder: make_tool("bad_tool", api_level=2,
                             dashboard_widgets=lambda org, user: [Widget("Raw", "<p>raw html</p>")]),
], ids=["raises-while-rendering", "syntax-error", "another-tools-template", "level-2-html"])
def test_a_widget_that_cannot_be_rendered_is_its_tools_failure(app_with, serving, tmp_path, make):
    good = templated_tool("good_tool", tmp_path, "<p>good widget for {{ current_org.slug }}</p>")
    app = app_with(make(tmp_path), good)
    client = serving(app, "testtool", "bad_tool", "good_tool")
    response = client.get("/o/acme/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This tool is unavailable" in panel_of(page, "bad_tool")
    assert "good widget for acme" in panel_of(page, "good_tool") and "records in Acme" in page
    assert records(app)["bad_tool"].failures["dashboard_widgets"] == 1
    assert not records(app)["good_tool"].failures


def test_site_selects_widget_is_a_template():
    from plugins.site_select.services import overview

    source = Path(overview.__file__).read_text()
    assert "Markup" not in source and "template=\"site_select/_widget.html\"" in source


# Icons ---------------------------------------------------------------------------------------

def test_every_icon_name_has_its_svg_and_the_licence_ships_with_them():
    shipped = {path.stem for path in ICON_DIR.glob("*.svg")}
    assert shipped == set(ICON_NAMES) and "map-pin" in shipped
    assert "ISC License" in (ICON_DIR / "LICENSE").read_text()


def test_a_manifest_icon_is_a_known_name_a_path_on_this_site_or_nothing():
    base = Manifest(key="iconic", name="Iconic", summary="s", version="1.0", publisher="p", api_level=2,
                    plans=(Plan(code="b", name="B", amount=1),))
    for good in ("", "map-pin", "flask-conical", "/static/iconic/logo.png"):
        assert dataclasses.replace(base, icon=good).problems() == [], good
    for bad in ("map-pn", "ma", "https://cdn.example/logo.png", "//cdn.example/x.png"):
        problems = dataclasses.replace(base, icon=bad).problems()
        assert len(problems) == 1 and "sdk.icons.ICON_NAMES" in problems[0], bad


def svg_count(html: str, name: str) -> int:
    return len(re.findall(rf'<svg class="icon icon-{name}"', html))


def test_icons_are_svg_in_the_catalog_my_tools_and_the_navigation(make_app, serving):
    app = make_app()
    client = serving(app, "testtool", "site_select")
    catalog = client.get("/marketplace").get_data(as_text=True)
    detail = client.get("/marketplace/site_select").get_data(as_text=True)
    mine = client.get("/o/acme/tools").get_data(as_text=True)
    home = client.get("/o/acme/").get_data(as_text=True)
    for page in (catalog, detail, mine, home):
        assert svg_count(page, "map-pin") >= 1
        assert ">ma<" not in page
    assert 'data-tool="site_select" class="with-icon"><svg class="icon icon-map-pin"' in home
    assert 'tool-initial" aria-hidden="true">T</span>' in mine  # the test tool has no icon
    assert svg_count(home, "house") == 1 and svg_count(home, "credit-card") == 1
    assert 'class="tool-icon" aria-hidden="true"><svg class="icon icon-map-pin"' in catalog


def test_a_navigation_item_may_name_its_own_icon_and_unknown_names_fall_back(app_with, serving):
    tool = make_tool("nav_tool", navigation_items=lambda org, user: [
        NavItem("Pills", "nav_tool.index", icon="pill"), NavItem("Odd", "nav_tool.index", icon="no-such-icon")])
    client = serving(app_with(tool), "nav_tool")
    page = client.get("/o/acme/").get_data(as_text=True)
    assert 'data-tool="nav_tool" class="with-icon"><svg class="icon icon-pill"' in page
    assert 'data-tool="nav_tool">Odd</a>' in page
