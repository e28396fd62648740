"""'My tools': each tool's state per organization, trials and the enabled switch (issue 2, 7-8)."""
import pytest
from sqlalchemy import func, select

from host.db import get_db
from host.models import License, OrgTool, User
from sdk.tenancy import org_scope
from sdk.testing import post_with_token, submit_form
from tests.compliance_helpers import entries


@pytest.fixture
def tools_app(make_app):
    return make_app(plugins=["testtool"])


@pytest.fixture
def acme(tools_app, make_user, make_org):
    owner = make_user("owner@acme.org")
    return make_org("acme", owner=owner, name="Acme"), owner


def switch(client, action, slug="acme"):
    """Start a trial, enable or disable the test tool through its form on the My tools page."""
    return submit_form(client, f"/o/{slug}/tools", {}, action=f"/o/{slug}/tools/testtool/{action}")


def _count(app, org, model, **where):
    with app.app_context(), org_scope(org.id):
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return get_db(app).session.scalar(stmt)

def test_members_see_every_tool_with_its_state(tools_app, acme, make_user, add_member, login_as):
    org, _ = acme
    member = make_user("member@acme.org")
    add_member(org, member)
    r = login_as(member).get("/o/acme/tools")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'data-tool="testtool"' in page and "Not licensed" in page and "Disabled" in page
    assert "Only owners and admins" in page
    assert "/o/acme/tools/testtool/trial" not in page


def test_trial_starts_and_the_tool_works_at_once(tools_app, acme, login_as):
    org, owner = acme
    with tools_app.app_context():
        session = get_db(tools_app).session
        session.get(User, owner.id).timezone = "Asia/Tokyo"
        session.commit()
    client = login_as(owner)
    assert client.get("/o/acme/testtool/").status_code == 402
    r = switch(client, "trial")
    assert r.status_code == 303
    assert client.get("/o/acme/testtool/").status_code == 200
    page = client.get("/o/acme/tools").get_data(as_text=True)
    assert "Free trial" in page and "14 days left" in page and "Asia/Tokyo" in page
    assert "Enabled" in page and "Open Test Tool" in page
    [trial] = entries(tools_app, org_id=org.id, entity_type="license")
    assert (trial.action, trial.reason, trial.actor_label) == ("create", "14-day free trial started", owner.email)


def test_second_trial_is_refused_and_changes_nothing(tools_app, acme, login_as):
    org, owner = acme
    client = login_as(owner)
    switch(client, "trial")
    switch(client, "disable")
    r = post_with_token(client, "/o/acme/tools/testtool/trial")
    assert r.status_code == 422
    assert "a trial can be started only once" in r.get_data(as_text=True)
    assert _count(tools_app, org, License) == 1
    assert [e.action for e in entries(tools_app, org_id=org.id, entity_type="license")] == ["create"]
    assert _count(tools_app, org, OrgTool, enabled=False) == 1


def test_enable_and_disable_take_effect_on_the_next_request(tools_app, acme, grant_license, login_as):
    org, owner = acme
    grant_license(org, "testtool", enable=True)
    client = login_as(owner)
    assert client.get("/o/acme/testtool/").status_code == 200
    assert switch(client, "disable").status_code == 303
    assert client.get("/o/acme/testtool/").status_code == 402
    assert switch(client, "enable").status_code == 303
    assert client.get("/o/acme/testtool/").status_code == 200


def test_switch_reaches_another_process_without_restart(make_app, tools_app, acme, grant_license,
                                                        login_as):
    """A second app on the same database stands for another worker process with its own cache."""
    org, owner = acme
    grant_license(org, "testtool", enable=True)
    other_worker = make_app(plugins=["testtool"])
    other_client = other_worker.test_client()
    tools_app.extensions["trialoffice.testing"].login(other_client, owner)
    assert other_client.get("/o/acme/testtool/").status_code == 200  # warms its cache
    switch(login_as(owner), "disable")
    assert other_client.get("/o/acme/testtool/").status_code == 402


def test_enabling_an_unlicensed_tool_is_refused(tools_app, acme, login_as):
    org, owner = acme
    r = post_with_token(login_as(owner), "/o/acme/tools/testtool/enable")
    assert r.status_code == 422
    assert "needs a trial or a license" in r.get_data(as_text=True)
    assert _count(tools_app, org, OrgTool, enabled=True) == 0


def test_lapsed_license_is_shown_and_cannot_be_enabled(tools_app, acme, grant_license, login_as):
    org, owner = acme
    grant_license(org, "testtool", status="lapsed")
    client = login_as(owner)
    page = client.get("/o/acme/tools").get_data(as_text=True)
    assert "badge-lapsed" in page and "/o/acme/tools/testtool/enable" not in page
    assert post_with_token(client, "/o/acme/tools/testtool/enable").status_code == 422


@pytest.mark.parametrize("action", ["trial", "enable", "disable"])
def test_plain_members_cannot_change_tools(tools_app, acme, make_user, add_member, login_as, action):
    org, _ = acme
    member = make_user("member@acme.org")
    add_member(org, member)
    assert post_with_token(login_as(member), f"/o/acme/tools/testtool/{action}").status_code == 403
    assert _count(tools_app, org, License) == 0
    assert _count(tools_app, org, OrgTool) == 0


def test_non_members_get_404(tools_app, acme, make_user, login_as):
    client = login_as(make_user("stranger@elsewhere.org"))
    assert client.get("/o/acme/tools").status_code == 404
    assert post_with_token(client, "/o/acme/tools/testtool/trial").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(tools_app, acme):
    r = tools_app.test_client().get("/o/acme/tools")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_admin_of_one_org_cannot_change_another(tools_app, acme, make_user, make_org, grant_license,
                                                login_as):
    org_a, owner_a = acme
    org_b = make_org("bravo", owner=make_user("owner@bravo.org"))
    grant_license(org_b, "testtool", enable=True)
    client = login_as(owner_a)
    assert post_with_token(client, "/o/bravo/tools/testtool/trial").status_code == 404
    assert post_with_token(client, "/o/bravo/tools/testtool/disable").status_code == 404
    assert _count(tools_app, org_b, OrgTool, enabled=True) == 1
    assert _count(tools_app, org_a, License) == 0


def test_unknown_tool_is_404(tools_app, acme, login_as):
    _, owner = acme
    assert post_with_token(login_as(owner), "/o/acme/tools/nope/trial").status_code == 404


def test_actions_need_the_csrf_token(make_app, make_user, make_org, login_as):
    app = make_app(plugins=["testtool"], WTF_CSRF_ENABLED=True)
    owner = make_user("owner@acme.org")
    org = make_org("acme", owner=owner)
    client = app.test_client()
    app.extensions["trialoffice.testing"].login(client, owner)
    assert client.post("/o/acme/tools/testtool/trial").status_code == 400
    assert _count(app, org, License) == 0
    page = client.get("/o/acme/tools").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/o/acme/tools/testtool/trial", data={"csrf_token": token})
    assert r.status_code == 303
    assert _count(app, org, License) == 1
