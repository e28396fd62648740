"""The console's forms on the kit (issue 10, items 1 and 9): every problem at once, each beside its
field and in the summary, values kept; suspend and revoke need a reason and a ticked confirmation
and are recorded under their own names."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from host.db import get_db
from host.models import License
from sdk.tenancy import org_scope
from sdk.testing import submit_form
from tests.compliance_helpers import entries


@pytest.fixture
def world(app, make_user, make_org, login_as):
    acme = make_org("acme", owner=make_user("owner@acme.org"), name="Acme Research")
    return {"app": app, "acme": acme, "admin": login_as(make_user("root@platform.org", platform_admin=True))}


def _license(app, org):
    with app.app_context(), org_scope(org.id):
        lic = get_db(app).session.scalar(select(License).where(License.tool_key == "testtool"))
        get_db(app).session.remove()
        return lic


def summary_of(html: str) -> str:
    start = html.index('class="error-summary"')
    return html[start:html.index("</div>", start)]


def field_block(html: str, name: str) -> str:
    block = re.search(rf'<div class="field field-invalid" data-field="{name}">(.*?)</div>', html, re.S)
    assert block, f"no invalid field {name}"
    return block.group(1)


def test_org_grant_with_four_bad_fields_shows_each_beside_its_field_and_keeps_the_values(world):
    bad = {"tool": "testtool", "plan": "gold", "seats": "0", "days": "many", "reason": "  "}
    r = submit_form(world["admin"], "/admin/orgs/acme", bad, action="/admin/orgs/acme/grant")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    expected = {"plan": "has no plan &#39;gold&#39;", "seats": "Seats must be between 1 and 100,000.",
                "days": "Days must be a whole number.", "reason": "A reason is required for every license change."}
    summary = summary_of(html)
    assert "(4)" in summary
    for name, message in expected.items():
        assert message in field_block(html, name) and message in summary, name
        assert 'aria-invalid="true"' in field_block(html, name)
    assert 'value="0"' in html and 'value="many"' in html  # kept
    assert '<option selected value="testtool">' in html or 'value="testtool" selected' in html
    assert _license(world["app"], world["acme"]) is None


def test_comp_form_names_every_problem_and_an_unknown_organization_beside_its_field(world):
    r = submit_form(world["admin"], "/admin/billing/comp", {"org": "", "tool": "testtool", "days": "x", "reason": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "(3)" in summary_of(html)
    assert "Give the organization&#39;s short name." in field_block(html, "org")
    assert "Days must be a whole number." in field_block(html, "days")
    assert "A reason is required for a complimentary license." in field_block(html, "reason")
    r = submit_form(world["admin"], "/admin/billing/comp", {"org": "nosuch", "tool": "testtool", "reason": "pilot"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "There is no organization &#39;nosuch&#39;." in field_block(html, "org")
    assert 'value="nosuch"' in html and 'value="pilot"' in html


def test_a_refused_form_keeps_the_other_forms_of_the_page_fresh(world, grant_license):
    grant_license(world["acme"], "testtool")
    lic = _license(world["app"], world["acme"])
    page = f"/admin/licenses/{lic.id}"
    r = submit_form(world["admin"], page, {"days": "99999", "reason": "typo"}, action=f"{page}/extend")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "The number of days must be between 1 and 3650." in field_block(html, "days")
    assert 'id="extend-days"' in html and 'value="99999"' in html and 'value="typo"' in html
    assert html.count('class="error-summary"') == 1  # only the extend form complains
    for action in ("grant", "suspend", "revoke"):
        assert f'id="{action}-reason"' in html


@pytest.mark.parametrize("action, message", [
    ("suspend", "Tick the box to confirm the suspension; nothing was changed."),
    ("revoke", "Tick the box to confirm the revocation; nothing was changed.")])
def test_suspend_and_revoke_need_a_reason_and_a_ticked_confirmation(world, grant_license, action, message):
    app, acme = world["app"], world["acme"]
    grant_license(acme, "testtool")
    lic = _license(app, acme)
    page, url = f"/admin/licenses/{lic.id}", f"/admin/licenses/{lic.id}/{action}"
    before = len(entries(app, entity_type="license"))

    both = submit_form(world["admin"], page, {"reason": ""}, action=url)
    html = both.get_data(as_text=True)
    assert both.status_code == 422 and "(2)" in summary_of(html)
    assert "A reason is required" in field_block(html, "reason") and message in field_block(html, "confirm")

    unconfirmed = submit_form(world["admin"], page, {"reason": "unpaid since May"}, action=url)
    html = unconfirmed.get_data(as_text=True)
    assert unconfirmed.status_code == 422 and message in field_block(html, "confirm")
    assert 'value="unpaid since May"' in html
    assert _license(app, acme).status == "active" and len(entries(app, entity_type="license")) == before

    done = submit_form(world["admin"], page, {"reason": "unpaid since May", "confirm": "y"}, action=url)
    assert done.status_code == 303
    named = entries(app, entity_type="license")[-1]
    assert (named.action, named.reason) == (f"license_{'suspended' if action == 'suspend' else 'revoked'}",
                                            "unpaid since May")
    after = _license(app, acme)
    assert after.status == ("suspended" if action == "suspend" else "lapsed")
    detail = world["admin"].get(page).get_data(as_text=True)
    if action == "suspend":
        assert after.suspension_reason == "unpaid since May"
        assert "Why suspended" in detail and "unpaid since May" in detail


def test_suspend_form_says_the_reason_is_shown_to_the_owners(world, grant_license):
    grant_license(world["acme"], "testtool")
    html = world["admin"].get(f"/admin/licenses/{_license(world['app'], world['acme']).id}").get_data(as_text=True)
    form = html[html.index('data-form="suspend"'):]
    form = form[:form.index("</form>")]
    assert "shown to the organization&#39;s owners" in form and 'name="confirm"' in form and 'type="checkbox"' in form


def test_refund_form_names_a_bad_amount_and_a_missing_note_at_once(world, make_user, login_as):
    from tests.test_billing_admin import buy, invoice_action, only_invoice

    buy(login_as(_owner(world["app"])), "acme", plan="basic")
    invoice = only_invoice(world["app"], "acme")
    invoice_action(world["admin"], invoice.id, "paid", {"note": "wire"})
    r = invoice_action(world["admin"], invoice.id, "refund", {"amount": "abc", "note": " "})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "(2)" in summary_of(html)
    assert "Give the refund as an amount such as 2.50." in field_block(html, "amount")
    assert "Say why and how the refund was made." in field_block(html, "note")
    assert 'value="abc"' in html


def test_mark_paid_without_a_note_is_shown_beside_the_note(world, login_as):
    from tests.test_billing_admin import buy, invoice_action, only_invoice

    buy(login_as(_owner(world["app"])), "acme", plan="basic")
    r = invoice_action(world["admin"], only_invoice(world["app"], "acme").id, "paid", {"note": ""})
    assert r.status_code == 422
    assert "Say how the invoice was paid" in field_block(r.get_data(as_text=True), "note")


def _owner(app):
    from host.models import User

    with app.app_context():
        user = get_db(app).session.scalar(select(User).where(User.email == "owner@acme.org"))
        get_db(app).session.remove()
        return user


def test_user_confirmation_keeps_its_message_beside_the_checkbox(world):
    from host.models import User

    with world["app"].app_context():
        owner_id = get_db(world["app"]).session.scalar(select(User.id).where(User.email == "owner@acme.org"))
    url = f"/admin/users/{owner_id}/active"
    r = submit_form(world["admin"], url, {"active": "0"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Tick the confirmation to continue; nothing was changed." in field_block(html, "confirm")
    assert "Tick the confirmation" in summary_of(html)
