"""The billing pages' forms (issue 10): every problem beside its field and in the summary at the top,
values kept, the JSON API saying the same words; no browser ``required`` on a field another button
of the same form does not need."""
from __future__ import annotations

import html
import re

import pytest

from host.words import sentence
from sdk.testing import post_with_token, submit_form
from tests.billing_page_helpers import row_counts

BUY = "/o/acme/billing/buy/testtool"


@pytest.fixture
def acme(app, make_user, make_org):
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    return make_org("acme", owner=owner, name="Acme"), owner


@pytest.fixture
def direct_stripe(app):
    """The direct Stripe path asks for a payment method; refusals happen before any provider call."""
    app.config.update(BILLING="stripe", STRIPE_CHECKOUT=False)
    return app


def field_errors(page: str, field_id: str) -> list[str]:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return [html.unescape(m.strip()) for m in found.group(1).split("<br>")] if found else []


def summary(page: str) -> list[str]:
    box = re.search(r'<div class="error-summary".*?<ul>(.*?)</ul>', page, re.S)
    assert box, "no error summary on the page"
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", box.group(1), re.S)]


def summary_links(page: str) -> list[str | None]:
    """Where each item of the error summary links to (``#field-id``; None for an item without a field)."""
    box = re.search(r'<div class="error-summary".*?<ul>(.*?)</ul>', page, re.S)
    assert box, "no error summary on the page"
    return [link.group(1) if (link := re.match(r'\s*<a href="([^"]*)">', item)) else None
            for item in re.findall(r"<li>(.*?)</li>", box.group(1), re.S)]


def input_tag(page: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
    assert found, f"no input {name!r}"
    return found.group(0)


def test_every_bad_purchase_term_is_shown_beside_its_field_and_summarized(app, acme, login_as):
    _, owner = acme
    client = login_as(owner)
    before = row_counts(app)
    refused = submit_form(client, f"{BUY}?plan=basic", {"plan": "gold", "interval": "week", "seats": "lots"},
                          action=BUY)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and row_counts(app) == before
    assert field_errors(page, "plan") == ["Test Tool has no plan 'gold' (plans: basic, team)."]
    assert field_errors(page, "interval") == ["Choose monthly or annual billing."]
    assert field_errors(page, "seats") == ["Seats must be a whole number."]
    assert summary(page) == ["Test Tool has no plan 'gold' (plans: basic, team).",
                             "Choose monthly or annual billing.", "Seats must be a whole number."]
    assert summary_links(page) == ["#plan", "#interval", "#seats"]
    assert 'value="lots"' in input_tag(page, "seats")  # what was typed is kept
    assert "Nothing was bought" in page


def test_page_and_api_refuse_a_purchase_with_the_same_messages(direct_stripe, acme, support, login_as):
    org, owner = acme
    client = login_as(owner)
    before = row_counts(direct_stripe)
    refused = submit_form(client, f"{BUY}?plan=team", {"plan": "team", "interval": "month", "seats": "2",
                                                       "payment_method": ""}, action=BUY)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    seats_message = "The Team plan needs between 3 and 100,000 seats."
    [payment_message] = field_errors(page, "payment_method")
    assert field_errors(page, "seats") == [seats_message] and "pm_card_visa" in payment_message
    assert summary(page) == [seats_message, payment_message]
    assert summary_links(page) == ["#seats", "#payment_method"]
    assert 'value="2"' in input_tag(page, "seats")

    api = client.post("/api/v1/o/acme/tools/testtool/purchase", json={"plan": "team", "seats": 2},
                      headers={"Authorization": f"Bearer {support.issue_token(org, owner)}"})
    body = api.get_json()
    assert api.status_code == 422 and body["error"] == "invalid_input"
    assert body["fields"] == {"seats": [seats_message], "payment_method": [payment_message]}
    assert body["problems"] == [seats_message, payment_message]
    assert [sentence(message) for message in body["problems"]] == summary(page)  # the API's words, as sentences
    assert row_counts(direct_stripe) == before


def test_update_price_needs_no_payment_method_and_nothing_is_required_in_the_browser(direct_stripe, acme,
                                                                                     login_as):
    _, owner = acme
    client = login_as(owner)
    page = client.get(BUY, query_string={"plan": "basic"}).get_data(as_text=True)
    assert " required" not in page.split('<main', 1)[1]
    before = row_counts(direct_stripe)
    updated = submit_form(client, f"{BUY}?plan=basic", {"plan": "team", "interval": "year", "seats": "4",
                                                        "update": "1"}, action=BUY)
    page = updated.get_data(as_text=True)
    assert updated.status_code == 200 and row_counts(direct_stripe) == before
    assert "USD 60.00 per year" in page and "error-summary" not in page
    assert 'value="4"' in input_tag(page, "seats") and "<option selected value=\"team\">" in page


def test_billing_page_seat_form_keeps_the_value_and_says_why(app, acme, login_as):
    org, owner = acme
    client = login_as(owner)
    assert submit_form(client, f"{BUY}?plan=team&seats=3", {"plan": "team", "seats": "3"},
                       action=BUY).status_code == 303
    before = row_counts(app)
    refused = submit_form(client, "/o/acme/billing", {"seats": "1"}, action="/o/acme/billing/testtool/seats")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and row_counts(app) == before
    message = "The Team plan needs between 3 and 100,000 seats."
    assert field_errors(page, "seats-testtool") == [message]
    assert summary(page) == [message]
    assert summary_links(page) == ["#seats-testtool"]
    assert 'value="1"' in input_tag(page, "seats")
    stranger = submit_form(client, "/o/acme/billing", {"user_id": "999999"},
                           action="/o/acme/billing/testtool/seats/assign")
    page = stranger.get_data(as_text=True)
    assert stranger.status_code == 422
    assert field_errors(page, "assign-testtool") == ["Choose a member of this organization."]


def test_seat_change_refused_by_the_subscription_goes_to_the_summary(app, acme, login_as):
    _, owner = acme
    client = login_as(owner)
    refused = post_with_token(client, "/o/acme/billing/testtool/seats", {"seats": "5"})
    assert refused.status_code == 422
    assert summary(refused.get_data(as_text=True)) == ["Acme has no open subscription for Test Tool."]


def test_confirmation_without_terms_quotes_the_first_plan(app, acme, login_as):
    _, owner = acme
    page = login_as(owner).get(BUY)
    assert page.status_code == 200 and "USD 5.00 per month" in page.get_data(as_text=True)
