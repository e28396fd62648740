"""Words on the billing and catalog screens (issue 10, item 9): labels never raw codes, the trial's
end on the confirmation, and a suspended license that says why and whom to ask."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from host.billing.manual import add_interval, mark_paid
from host.billing.renewals import run_manual_renewals
from host.db import get_db
from host.licensing import admin_change, start_trial
from host.models import Invoice, Organization, User
from sdk.tenancy import org_scope
from sdk.testing import post_with_token

RAW_CODES = ("trialing", "past_due", "past due", "no subscription", "incomplete", "suspended)")


@pytest.fixture
def acme(app, make_user, make_org):
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    return make_org("acme", owner=owner, name="Acme"), owner


def in_session(app, action):
    with app.app_context():
        session = get_db(app).session
        try:
            result = action(session)
            session.commit()
            return result
        finally:
            session.remove()


def visible_text(page: str) -> str:
    """What a person reads: the content without tags and attributes (a CSS class is not a word)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])))


def assert_no_raw_codes(client, *paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 402), path
        text = visible_text(response.get_data(as_text=True))
        for code in RAW_CODES:
            assert code not in text, f"{code!r} shown on {path}: {text}"


def test_confirmation_during_a_trial_shows_when_the_paid_period_starts(app, acme, login_as):
    org, owner = acme
    trial = in_session(app, lambda s: start_trial(s, s.get(Organization, org.id), "testtool", s.get(User, owner.id)))
    ends = trial.trial_ends_at
    page = login_as(owner).get("/o/acme/billing/buy/testtool", query_string={"plan": "basic"}).get_data(as_text=True)
    text = visible_text(page)
    period = f"First paid period {ends:%Y-%m-%d} UTC to {add_interval(ends, 'month'):%Y-%m-%d} UTC"
    assert period in text and "its days are not charged" in text
    assert f"is issued now for the period from {ends:%Y-%m-%d} UTC, when the free trial ends" in text
    client = login_as(owner)
    bought = post_with_token(client, "/o/acme/billing/buy/testtool", {"plan": "basic"}, follow_redirects=True)
    text = visible_text(bought.get_data(as_text=True))
    assert f"for the period from {ends:%Y-%m-%d}" in text and "the trial runs on until then" in text
    assert "Free trial" in text


def test_a_price_always_says_its_interval_and_both_when_sold_both_ways(app, acme, login_as):
    _, owner = acme
    client = login_as(owner)
    tool = visible_text(client.get("/marketplace/testtool").get_data(as_text=True))
    assert "USD 5.00 per month or USD 50.00 per year (save USD 10.00)" in tool
    assert "Monthly: USD 5.00 per month" in tool and "Annually: USD 50.00 per year" in tool
    assert " / month" not in tool and " / year" not in tool
    confirm = visible_text(client.get("/o/acme/billing/buy/testtool", query_string={"plan": "basic"})
                           .get_data(as_text=True))
    assert "Basic: USD 5.00 per month or USD 50.00 per year" in confirm


def test_no_raw_codes_for_trial_pending_grant_and_overdue_states(app, acme, make_org, make_user, support,
                                                                  login_as):
    org, owner = acme
    client = login_as(owner)
    pages = ("/o/acme/billing", "/o/acme/tools", "/marketplace/testtool")
    assert post_with_token(client, "/o/acme/tools/testtool/trial").status_code == 303
    assert_no_raw_codes(client, *pages)  # a running trial
    buy = {"plan": "basic", "interval": "month"}
    assert post_with_token(client, "/o/acme/billing/buy/testtool", buy).status_code == 303
    assert_no_raw_codes(client, *pages)  # a trial with a purchase waiting for payment

    def overdue(session):
        with org_scope(org.id):
            invoice = session.scalar(select(Invoice))
        mark_paid(session, invoice, "wire")
        session.commit()
        run_manual_renewals(session, invoice.period_end + timedelta(days=1))

    in_session(app, overdue)
    text = visible_text(client.get("/o/acme/billing").get_data(as_text=True))
    assert "Grace period" in text
    assert_no_raw_codes(client, *pages)  # a renewal overdue
    other = make_user("owner@beta.example.org")
    beta = make_org("beta", owner=other, name="Beta")
    support.grant_license(beta, "testtool", status="active", plan="basic")
    beta_client = login_as(other)
    text = visible_text(beta_client.get("/o/beta/billing").get_data(as_text=True))
    assert "granted without a subscription" in text
    assert_no_raw_codes(beta_client, "/o/beta/billing", "/o/beta/tools")


@pytest.fixture
def suspended(app, acme):
    org, owner = acme
    root = in_session(app, lambda s: s.get(User, owner.id))  # any actor: the service only records who

    def suspend(session):
        organization = session.get(Organization, org.id)
        actor = session.get(User, root.id)
        start_trial(session, organization, "testtool", actor)
        admin_change(session, organization, "testtool", "suspend", "Unpaid invoice TO-4711 since March", actor)

    in_session(app, suspend)
    return org, owner


def test_suspended_license_says_why_and_whom_to_ask_everywhere(app, suspended, support, login_as):
    org, owner = suspended
    app.config["SUPPORT_EMAIL"] = "help@trialoffice.example"
    client = login_as(owner)
    for path in ("/o/acme/tools", "/o/acme/billing", "/o/acme/testtool/"):
        text = visible_text(client.get(path).get_data(as_text=True))
        assert "suspended the Test Tool license of Acme" in text, path
        assert "Unpaid invoice TO-4711 since March" in text and "help@trialoffice.example" in text, path
    api = client.get("/api/v1/o/acme/testtool/records",
                     headers={"Authorization": f"Bearer {support.issue_token(org, owner)}"})
    assert api.status_code == 402
    message = api.get_json()["message"]
    assert "Unpaid invoice TO-4711 since March" in message and "help@trialoffice.example" in message
    billing = client.get("/api/v1/o/acme/billing", headers={"Authorization": api.request.headers["Authorization"]})
    assert billing.get_json()["tools"][0]["license"]["suspension_reason"] == "Unpaid invoice TO-4711 since March"


def test_lifting_a_suspension_clears_its_reason(app, suspended):
    org, owner = suspended

    def grant(session):
        return admin_change(session, session.get(Organization, org.id), "testtool", "grant", "paid at last",
                            session.get(User, owner.id))

    lic = in_session(app, grant)
    assert (lic.status, lic.suspension_reason) == ("active", None)
