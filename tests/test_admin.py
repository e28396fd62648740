"""The platform console (issue 2, point 10): hidden from everyone but platform admins."""
import pytest
from sqlalchemy import select

from host import create_app
from host.admin.licenses import DONE
from host.db import get_db
from host.models import License, User
from sdk.tenancy import org_scope
from sdk.testing import post_with_token, submit_form
from tests.compliance_helpers import entries
from tests.plugins import future_api, testtool

CONSOLE_PAGES = ["/admin/", "/admin/orgs", "/admin/orgs/acme", "/admin/users", "/admin/plugins",
                 "/admin/licenses", "/admin/licenses/1", "/admin/users/1/active"]
APP_CONFIG_KEYS = ("DATABASE_URL", "SECRET_KEY", "TESTING", "WTF_CSRF_ENABLED", "SESSION_COOKIE_SECURE",
                   "STORAGE_DIR", "TESTING_FAST_PASSWORD_HASHES")


@pytest.fixture
def console_app(make_app):
    return make_app(plugins=["testtool"])


@pytest.fixture
def admin_client(console_app, make_user, login_as):
    return login_as(make_user("root@platform.org", platform_admin=True))


@pytest.fixture
def acme(console_app, make_user, make_org, add_member):
    org = make_org("acme", type="cro", owner=make_user("owner@acme.org"), name="Acme Research")
    add_member(org, make_user("member@acme.org"))
    return org


def _user(app, email):
    with app.app_context():
        return get_db(app).session.scalar(select(User).where(User.email == email))


def _license(app, org):
    with app.app_context(), org_scope(org.id):
        return get_db(app).session.scalar(select(License).where(License.tool_key == "testtool"))


def _history(app, org):
    return entries(app, org_id=org.id, entity_type="license")


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_console_is_404_for_everyone_else(console_app, acme, make_user, login_as, path):
    assert console_app.test_client().get(path).status_code == 404
    assert login_as(make_user("someone@acme.org")).get(path).status_code == 404


def test_owner_of_an_org_cannot_post_console_actions(console_app, acme, grant_license, login_as):
    grant_license(acme, "testtool")
    client = login_as(_user(console_app, "owner@acme.org"))
    lic = _license(console_app, acme)
    r = post_with_token(client, f"/admin/licenses/{lic.id}/suspend", {"reason": "because"})
    assert r.status_code == 404
    assert _license(console_app, acme).status == "active"


def test_overview_counts(console_app, acme, grant_license, admin_client):
    grant_license(acme, "testtool", enable=True)
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert 'data-count="organizations">1<' in page
    assert 'data-count="users">3<' in page
    assert 'data-count="licenses">1<' in page
    assert "Active: 1" in page and "1 tool switches on" in page


def test_organizations_list_and_detail(console_app, acme, grant_license, admin_client):
    grant_license(acme, "testtool", enable=True)
    page = admin_client.get("/admin/orgs").get_data(as_text=True)
    row = page.split('data-org="acme"')[1].split("</tr>")[0]
    assert "Acme Research" in row and "CRO" in row and '<td class="num">2</td>' in row and "testtool" in row
    detail = admin_client.get("/admin/orgs/acme").get_data(as_text=True)
    assert "owner@acme.org" in detail and "member@acme.org" in detail and "owner" in detail
    assert 'data-tool="testtool"' in detail and "badge-enabled" in detail
    assert admin_client.get("/admin/orgs/nope").status_code == 404


def test_users_list_shows_flags(console_app, acme, admin_client):
    page = admin_client.get("/admin/users").get_data(as_text=True)
    root = page.split('data-user="root@platform.org"')[1].split("</tr>")[0]
    assert "<td>Yes</td>" in root and "Deactivate" not in root  # no switch for oneself
    member = page.split('data-user="member@acme.org"')[1].split("</tr>")[0]
    assert "<td>No</td>" in member and "Deactivate" in member


def test_deactivating_a_user_needs_confirmation(console_app, acme, admin_client, login_as):
    member = _user(console_app, "member@acme.org")
    member_client = login_as(member)
    assert member_client.get("/o/acme/").status_code == 200
    url = f"/admin/users/{member.id}/active"
    assert "I confirm" in admin_client.get(url).get_data(as_text=True)
    refused = submit_form(admin_client, url, {"active": "0"})
    assert refused.status_code == 422
    assert "Tick the confirmation to continue; nothing was changed." in refused.get_data(as_text=True)
    assert member_client.get("/o/acme/").status_code == 200
    assert submit_form(admin_client, url, {"active": "0", "confirm": "yes"}).status_code == 303
    assert member_client.get("/o/acme/").status_code == 302  # signed out: sent to the login page
    assert submit_form(admin_client, url, {"active": "1", "confirm": "yes"}).status_code == 303
    assert member_client.get("/o/acme/").status_code == 200


def test_admin_cannot_deactivate_themselves(console_app, admin_client):
    root_id = _user(console_app, "root@platform.org").id
    r = post_with_token(admin_client, f"/admin/users/{root_id}/active", {"active": "0", "confirm": "yes"})
    assert r.status_code == 422
    with console_app.app_context():
        assert get_db(console_app).session.get(User, root_id).active


@pytest.fixture
def future_app(console_app):
    """The same database, with a plugin written for SDK API level 99 installed as well."""
    config = {key: console_app.config[key] for key in APP_CONFIG_KEYS}
    app = create_app({**config, "LOAD_PLUGINS": None}, extra_plugins=[testtool, future_api])
    yield app
    app.extensions["trialoffice.db"].dispose()


def test_plugins_page_shows_versions_use_and_unavailable_reason(future_app, acme, make_user,
                                                                grant_license):
    grant_license(acme, "testtool", enable=True)
    client = future_app.test_client()
    future_app.extensions["trialoffice.testing"].login(client, make_user("ops@platform.org",
                                                                         platform_admin=True))
    page = client.get("/admin/plugins").get_data(as_text=True)
    future = page.split('data-plugin="future_api"')[1].split("</tr>")[0]
    assert "unavailable" in future and "needs SDK API level 99" in future and "2.0.0" in future
    assert "module tests.plugins.future_api" in future
    tool = page.split('data-plugin="testtool"')[1].split("</tr>")[0]
    assert "available" in tool and "1.0.0" in tool and '<td class="num">1</td>' in tool
    assert ">1</a></td>" in tool  # one organization licensed
    assert "future_api" not in client.get("/marketplace").get_data(as_text=True)


def test_licenses_list_filters(console_app, acme, make_user, make_org, grant_license, admin_client):
    other = make_org("bravo", owner=make_user("owner@bravo.org"), name="Bravo Sites")
    grant_license(acme, "testtool")
    grant_license(other, "testtool", status="suspended")
    everything = admin_client.get("/admin/licenses").get_data(as_text=True)
    assert "Acme Research" in everything and "Bravo Sites" in everything
    suspended = admin_client.get("/admin/licenses?status=suspended").get_data(as_text=True)
    assert "Bravo Sites" in suspended and "Acme Research" not in suspended
    by_org = admin_client.get("/admin/licenses?org=acme").get_data(as_text=True)
    assert "Acme Research" in by_org and "Bravo Sites" not in by_org
    assert "No licenses match" in admin_client.get("/admin/licenses?org=nope").get_data(as_text=True)
    assert "Bravo Sites" in admin_client.get("/admin/licenses?tool=nope").get_data(as_text=True)  # ignored


def test_grant_needs_a_reason_and_writes_history(console_app, acme, admin_client):
    form = {"tool": "testtool", "plan": "team", "seats": "5", "days": "60"}
    r = submit_form(admin_client, "/admin/orgs/acme", form, action="/admin/orgs/acme/grant")
    assert r.status_code == 422 and "A reason is required" in r.get_data(as_text=True)
    assert _license(console_app, acme) is None and _history(console_app, acme) == []
    r = submit_form(admin_client, "/admin/orgs/acme", {**form, "reason": "Pilot for the CRO"},
                    action="/admin/orgs/acme/grant")
    assert r.status_code == 303
    lic = _license(console_app, acme)
    assert (lic.status, lic.plan_code, lic.seats) == ("active", "team", 5)
    change, named = _history(console_app, acme)
    assert (change.action, change.changes["status"], change.reason, change.actor_label) == (
        "create", [None, "active"], "Pilot for the CRO", "root@platform.org")
    assert (named.action, named.reason, named.actor_label) == ("license_granted", "Pilot for the CRO",
                                                               "root@platform.org")
    page = admin_client.get(r.headers["Location"]).get_data(as_text=True)
    row = page.split('data-action="license_granted"')[1].split("</tr>")[0]
    assert "Pilot for the CRO" in row and "root@platform.org" in row and "— → Active" in row and "Granted" in row
    assert page.count("data-action=") == 1  # the named action and its field changes are one row


@pytest.mark.parametrize("field, value, message", [
    ("plan", "gold", "has no plan"), ("days", "many", "whole number"), ("seats", "0", "Seats must be"),
    ("days", "99999", "between 1 and"), ("tool", "nope", "no available tool")])
def test_grant_with_bad_input_changes_nothing(console_app, acme, admin_client, field, value, message):
    form = {"tool": "testtool", "reason": "test", field: value}
    r = submit_form(admin_client, "/admin/orgs/acme", form, action="/admin/orgs/acme/grant")
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert _license(console_app, acme) is None


CONFIRMED = {"confirm": "y"}
WORDS = {"active": "Active", "suspended": "Suspended", "lapsed": "Lapsed"}


@pytest.mark.parametrize("action, extra, status", [
    ("extend", {"days": "10"}, "active"), ("suspend", CONFIRMED, "suspended"), ("revoke", CONFIRMED, "lapsed"),
    ("grant", {"plan": "basic", "seats": "2", "days": "90"}, "active")])
def test_license_actions_need_a_reason_and_are_recorded_by_name(console_app, acme, grant_license, admin_client,
                                                                action, extra, status):
    grant_license(acme, "testtool", status="grace", enable=True)
    before = _license(console_app, acme)
    granted = [e.id for e in _history(console_app, acme)]
    url = f"/admin/licenses/{before.id}/{action}"
    r = submit_form(admin_client, f"/admin/licenses/{before.id}", {**extra, "reason": "  "}, action=url)
    assert r.status_code == 422 and "A reason is required" in r.get_data(as_text=True)
    unchanged = _license(console_app, acme)
    assert (unchanged.status, unchanged.valid_until) == ("grace", before.valid_until)
    assert [e.id for e in _history(console_app, acme)] == granted
    r = submit_form(admin_client, f"/admin/licenses/{before.id}", {**extra, "reason": f"ticket 42: {action}"},
                    action=url)
    assert r.status_code == 303
    assert _license(console_app, acme).status == status
    change, named = _history(console_app, acme)[len(granted):]
    assert (change.action, change.changes["status"], change.reason) == (
        "update", ["grace", status], f"ticket 42: {action}")
    done = DONE[action]
    assert (named.action, named.reason, named.actor_label) == (
        f"license_{done}", f"ticket 42: {action}", "root@platform.org")
    page = admin_client.get(f"/admin/licenses/{before.id}").get_data(as_text=True)
    newest = page.split(f'data-action="license_{done}"')[1].split("</tr>")[0]
    assert f"ticket 42: {action}" in newest and f"Grace period → {WORDS[status]}" in newest
    assert "root@platform.org" in newest and done.capitalize() in newest


def test_unknown_license_or_action_is_404(console_app, acme, grant_license, admin_client):
    grant_license(acme, "testtool")
    lic = _license(console_app, acme)
    assert admin_client.get("/admin/licenses/99999").status_code == 404
    r = post_with_token(admin_client, f"/admin/licenses/{lic.id}/delete", {"reason": "x"})
    assert r.status_code == 404


def test_suspension_stops_the_tool_on_the_next_request(console_app, acme, grant_license, admin_client,
                                                       login_as):
    grant_license(acme, "testtool", enable=True)
    owner_client = login_as(_user(console_app, "owner@acme.org"))
    assert owner_client.get("/o/acme/testtool/").status_code == 200
    lic = _license(console_app, acme)
    r = submit_form(admin_client, f"/admin/licenses/{lic.id}", {"reason": "unpaid invoice", **CONFIRMED},
                    action=f"/admin/licenses/{lic.id}/suspend")
    assert r.status_code == 303
    assert _license(console_app, acme).suspension_reason == "unpaid invoice"
    assert owner_client.get("/o/acme/testtool/").status_code == 402
    assert "badge-suspended" in owner_client.get("/o/acme/tools").get_data(as_text=True)
