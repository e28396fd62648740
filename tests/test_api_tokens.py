"""API tokens: the /o/<org>/tokens pages, Bearer authentication, scoping and revocation."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from host.models import ApiToken
from sdk.testing import post_with_token, submit_form

RAW_TOKEN = re.compile(r'value="(to_[A-Za-z0-9_\-]+)"')


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def api_status(client, token: str, org: str = "acme") -> int:
    return client.get(f"/api/v1/o/{org}/tools", headers=bearer(token)).status_code


def stored_tokens(app) -> list[ApiToken]:
    with app.app_context():
        return list(app.extensions["trialoffice.db"].session.scalars(select(ApiToken).order_by(ApiToken.id)))


@pytest.fixture
def owner(make_user):
    return make_user("owner@acme.example")


@pytest.fixture
def acme(make_org, owner):
    return make_org("acme", owner=owner)


@pytest.fixture
def member(make_user, add_member, acme):
    user = make_user("member@acme.example")
    add_member(acme, user, role="member")
    return user


def create_on_page(browser, name: str, org: str = "acme") -> str:
    response = submit_form(browser, f"/o/{org}/tokens", {"name": name})
    assert response.status_code == 201, response.data
    return RAW_TOKEN.search(response.get_data(as_text=True)).group(1)


def revoke_on_page(browser, token_id: int, org: str = "acme"):
    return submit_form(browser, f"/o/{org}/tokens", {}, action=f"/o/{org}/tokens/{token_id}/revoke")


# --- Bearer authentication ---------------------------------------------------------------------

def test_missing_bad_and_revoked_tokens_get_401(app, client, login_as, support, acme, owner):
    assert client.get("/api/v1/o/acme/tools").status_code == 401
    assert client.get("/api/v1/o/acme/tools", headers=bearer("to_not-a-real-token")).status_code == 401
    assert client.get("/api/v1/o/acme/tools", headers={"Authorization": "Bearer "}).status_code == 401
    raw = support.issue_token(acme, owner)
    assert api_status(client, raw) == 200
    token_id = stored_tokens(app)[0].id
    assert revoke_on_page(login_as(owner), token_id).status_code == 303
    response = client.get("/api/v1/o/acme/tools", headers=bearer(raw))
    assert response.status_code == 401
    assert set(response.get_json()) == {"error", "message"}


def test_a_bad_token_is_refused_even_on_public_endpoints(client):
    assert client.get("/api/v1/tools", headers=bearer("to_nope")).status_code == 401
    assert client.get("/api/v1/tools").status_code == 200


def test_a_token_works_only_for_its_own_organization(client, support, make_org, acme, owner):
    globex = make_org("globex", owner=owner)
    acme_token = support.issue_token(acme, owner)
    assert api_status(client, acme_token, "acme") == 200
    assert api_status(client, acme_token, "globex") == 404
    assert client.post("/api/v1/o/globex/tools/testtool/trial", headers=bearer(acme_token)).status_code == 404
    assert api_status(client, support.issue_token(globex, owner), "globex") == 200


def test_a_token_with_someone_elses_session_cookie_is_refused(login_as, support, acme, owner, member):
    browser = login_as(member)
    assert browser.get("/api/v1/o/acme/tools", headers=bearer(support.issue_token(acme, owner))).status_code == 401
    assert browser.get("/api/v1/o/acme/tools", headers=bearer("to_forged")).status_code == 401
    assert browser.get("/api/v1/o/acme/tools", headers=bearer(support.issue_token(acme, member))).status_code == 200


def test_tokens_do_not_sign_in_to_pages(client, support, acme, owner):
    raw = support.issue_token(acme, owner)
    response = client.get("/o/acme/tokens", headers=bearer(raw))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_removed_member_loses_api_access(client, app, support, acme, member):
    raw = support.issue_token(acme, member)
    assert api_status(client, raw) == 200
    with app.app_context():
        from host.models import Membership

        session = app.extensions["trialoffice.db"].session
        session.delete(session.scalar(select(Membership).where(Membership.user_id == member.id)))
        session.commit()
    assert api_status(client, raw) == 404


# --- the tokens page ---------------------------------------------------------------------------

def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(app, login_as, owner, acme):
    browser = login_as(owner)
    page = submit_form(browser, "/o/acme/tokens", {"name": "nightly export"})
    assert page.status_code == 201
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "only time it is shown" in text
    raw = RAW_TOKEN.search(text).group(1)

    [token] = stored_tokens(app)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw)
    row = {column: getattr(token, column) for column in ApiToken.__table__.columns.keys()}
    assert not any(raw in str(value) for value in row.values())
    assert (token.name, token.user_id, token.org_id) == ("nightly export", owner.id, acme.id)

    listing = browser.get("/o/acme/tokens").get_data(as_text=True)
    assert raw not in listing
    assert "nightly export" in listing and token.prefix in listing and "never" in listing
    assert api_status(browser.application.test_client(), raw) == 200
    assert stored_tokens(app)[0].last_used_at is not None


def test_a_token_needs_a_name(app, login_as, owner, acme):
    browser = login_as(owner)
    for name in ("", "   ", "x" * 101):
        response = submit_form(browser, "/o/acme/tokens", {"name": name})
        assert response.status_code == 400
        assert 'class="field-error" id="name-error"' in response.get_data(as_text=True)
    assert stored_tokens(app) == []


def test_the_page_lists_only_my_tokens_of_this_organization(login_as, make_org, owner, acme, member):
    globex = make_org("globex", owner=owner)
    owner_browser, member_browser = login_as(owner), login_as(member)
    create_on_page(owner_browser, "acme owner token")
    create_on_page(owner_browser, "globex owner token", org=globex.slug)
    create_on_page(member_browser, "acme member token")
    member_page = member_browser.get("/o/acme/tokens").get_data(as_text=True)
    assert "acme member token" in member_page
    assert "acme owner token" not in member_page and "globex owner token" not in member_page
    owner_page = owner_browser.get("/o/acme/tokens").get_data(as_text=True)
    assert "acme owner token" in owner_page and "globex owner token" not in owner_page
    assert "Other people" in owner_page and "acme member token" in owner_page


def test_revoking_my_token_takes_effect_at_once(app, login_as, owner, acme):
    browser = login_as(owner)
    raw = create_on_page(browser, "ci")
    program = app.test_client()
    assert api_status(program, raw) == 200
    token_id = stored_tokens(app)[0].id
    response = revoke_on_page(browser, token_id)
    assert response.status_code == 303
    assert api_status(program, raw) == 401
    assert stored_tokens(app)[0].revoked_at is not None
    assert "Revoked" in browser.get("/o/acme/tokens").get_data(as_text=True)


def test_members_revoke_only_their_own_tokens_and_admins_any_in_their_org(
        app, login_as, support, make_user, make_org, owner, acme, member):
    owner_raw = support.issue_token(acme, owner)
    member_raw = support.issue_token(acme, member)
    outsider = make_user("boss@globex.example")
    globex_raw = support.issue_token(make_org("globex", owner=outsider), outsider)
    ids = {t.token_hash: t.id for t in stored_tokens(app)}
    owner_id, member_id, globex_id = (ids[hashlib.sha256(r.encode()).hexdigest()]
                                      for r in (owner_raw, member_raw, globex_raw))

    assert post_with_token(login_as(member), f"/o/acme/tokens/{owner_id}/revoke").status_code == 404
    assert post_with_token(login_as(owner), f"/o/acme/tokens/{globex_id}/revoke").status_code == 404
    assert post_with_token(login_as(outsider), f"/o/acme/tokens/{member_id}/revoke").status_code == 404
    assert revoke_on_page(login_as(owner), member_id).status_code == 303
    client = app.test_client()
    assert api_status(client, member_raw) == 401
    assert api_status(client, owner_raw) == 200
    assert api_status(client, globex_raw, "globex") == 200


def test_the_page_is_for_members_only(client, login_as, make_user, acme):
    assert client.get("/o/acme/tokens").status_code == 302
    stranger = login_as(make_user("stranger@example.org"))
    assert stranger.get("/o/acme/tokens").status_code == 404
    assert post_with_token(stranger, "/o/acme/tokens", {"name": "sneaky"}).status_code == 404


def test_the_token_form_needs_csrf(make_app, owner, acme):
    csrf_app = make_app()  # the harness keeps CSRF on
    browser = csrf_app.test_client()
    csrf_app.extensions["trialoffice.testing"].login(browser, owner)
    assert browser.post("/o/acme/tokens", data={"name": "forged"}).status_code == 400
    assert stored_tokens(csrf_app) == []
