"""The public marketplace and tool pages (issue 2, point 8)."""
import pytest

from host.catalog.search import filter_tools
from sdk import Manifest, Plan
from sdk.testing import submit_form


@pytest.fixture
def catalog_app(make_app):
    return make_app(plugins=["testtool"])


def test_marketplace_is_public_and_lists_the_test_tool(catalog_app):
    r = catalog_app.test_client().get("/marketplace")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'data-tool="testtool"' in page
    assert "Test Tool" in page and "Records and notes for exercising the host." in page
    assert "Trial Office QA" in page and "Other" in page
    assert "from <strong>USD 1.50</strong> per month" in page  # the cheapest monthly plan
    assert "per seat" in page
    assert "14-day free trial" in page


@pytest.mark.parametrize("query", ["exercising", "TEST TOOL", "qa", "testtool", "host's test suite"])
def test_search_matches_name_summary_description_publisher_and_key(catalog_app, query):
    page = catalog_app.test_client().get("/marketplace", query_string={"q": query}).get_data(as_text=True)
    assert 'data-tool="testtool"' in page


def test_search_without_match_shows_empty_state(catalog_app):
    r = catalog_app.test_client().get("/marketplace", query_string={"q": "randomization kits"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'data-tool="testtool"' not in page
    assert 'class="empty"' in page and "No tools match" in page


def test_category_filter(catalog_app):
    client = catalog_app.test_client()
    other = client.get("/marketplace", query_string={"category": "other"}).get_data(as_text=True)
    assert 'data-tool="testtool"' in other
    docs = client.get("/marketplace", query_string={"category": "documents"}).get_data(as_text=True)
    assert 'data-tool="testtool"' not in docs and "No tools match" in docs


def test_unknown_category_is_named_and_ignored(catalog_app):
    r = catalog_app.test_client().get("/marketplace", query_string={"category": "nonsense"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "There is no category" in page and 'data-tool="testtool"' in page


def test_tool_page_shows_plans_permissions_and_details(catalog_app):
    r = catalog_app.test_client().get("/marketplace/testtool")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    # Every price says its interval; a plan sold monthly and annually says both.
    assert "USD 5.00 per month or USD 50.00 per year (save USD 10.00)" in page
    assert "USD 1.50 per seat per month or USD 15.00 per seat per year" in page and "per seat, minimum 3" in page
    assert "Monthly or annually" in page and " / month" not in page
    assert "14 days" in page
    assert "See records" in page and "Create and change records" in page
    assert "Used by the host&#39;s test suite." in page
    for detail in ("1.0.0", "Trial Office QA", "SDK API level"):
        assert detail in page
    assert "Sign in" in page  # anonymous visitors are told how to get it


def test_unknown_tool_is_404(catalog_app):
    r = catalog_app.test_client().get("/marketplace/nope")
    assert r.status_code == 404
    assert "no such tool" in r.get_data(as_text=True)


def test_tool_page_offers_trial_per_administered_org(catalog_app, make_user, make_org, add_member,
                                                     grant_license, login_as):
    owner = make_user("owner@labs.org")
    make_org("alpha", owner=owner, name="Alpha Labs")
    beta = make_org("beta", owner=owner, name="Beta Labs")
    gamma = make_org("gamma", name="Gamma Labs")
    add_member(gamma, owner, role="member")
    grant_license(beta, "testtool")
    page = login_as(owner).get("/marketplace/testtool").get_data(as_text=True)
    assert 'action="/o/alpha/tools/testtool/trial"' in page
    assert 'action="/o/beta/tools/testtool/trial"' not in page
    assert 'href="/o/beta/tools"' in page
    assert "/o/gamma/tools/testtool/trial" not in page  # only a member there


def test_trial_button_on_tool_page_starts_the_trial(catalog_app, make_user, make_org, login_as):
    owner = make_user("owner@labs.org")
    make_org("alpha", owner=owner)
    client = login_as(owner)
    r = submit_form(client, "/marketplace/testtool", {}, action="/o/alpha/tools/testtool/trial")
    assert r.status_code == 303 and r.headers["Location"].endswith("/o/alpha/tools")
    assert client.get("/o/alpha/testtool/").status_code == 200
    assert 'href="/o/alpha/tools"' in client.get("/marketplace/testtool").get_data(as_text=True)


def _manifest(key, **kw):
    values = dict(key=key, name=key.title(), summary="s", version="1.0", publisher="p", api_level=1)
    values.update(kw)
    return Manifest(**values)


def test_filter_tools_unit():
    edc = _manifest("edc", name="Data Capture", category="data-capture", description="eCRF and ODM",
                    plans=(Plan("m", "Monthly", 900),))
    tmf = _manifest("edocs", name="eDocs", category="documents", publisher="Binder Inc")
    tools = [tmf, edc]
    assert filter_tools(tools) == [edc, tmf]  # sorted by name
    assert filter_tools(tools, "odm") == [edc]
    assert filter_tools(tools, "binder") == [tmf]
    assert filter_tools(tools, "odm binder") == []
    assert filter_tools(tools, category="documents") == [tmf]
    assert filter_tools(tools, category="unknown") == [edc, tmf]
