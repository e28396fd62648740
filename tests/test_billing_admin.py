"""The platform console's billing pages: invoices, marking paid, refunds, comped licenses, revenue."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from host.billing.manual import issue_invoice
from host.db import get_db
from host.models import Organization, Subscription
from sdk.models import utcnow
from sdk.tenancy import org_scope
from sdk.testing import post_with_token, submit_form
from tests.billing_page_helpers import invoices_of, license_row, row_counts
from tests.compliance_helpers import entries

PAGES = ("/admin/billing/invoices", "/admin/billing/invoices/1", "/admin/billing/revenue", "/admin/billing/comp")
ACTIONS = ("/admin/billing/invoices/1/paid", "/admin/billing/invoices/1/refund", "/admin/billing/comp")


@pytest.fixture
def owners(make_user, make_org, login_as):
    """Two organizations, each with an owner signed in: acme and beta."""
    clients = {}
    for slug in ("acme", "beta"):
        owner = make_user(f"owner@{slug}.example.org")
        make_org(slug, owner=owner, name=slug.title())
        clients[slug] = login_as(owner)
    return clients


@pytest.fixture
def admin(make_user, login_as):
    return login_as(make_user("root@platform.example.org", platform_admin=True))


def buy(client, slug, **terms):
    page = f"/o/{slug}/billing/buy/testtool"
    assert submit_form(client, f"{page}?{urlencode(terms)}", terms, action=page).status_code == 303


def invoice_action(admin, invoice_id, action, data):
    """Mark paid or refund through the form on the invoice's page."""
    page = f"/admin/billing/invoices/{invoice_id}"
    return submit_form(admin, page, data, action=f"{page}/{action}")


def only_invoice(app, slug, status="open"):
    return next(inv for inv in invoices_of(app, slug) if inv.status == status)


def test_billing_console_is_404_for_everyone_but_platform_admins(app, owners, client):
    buy(owners["acme"], "acme", plan="basic")
    before = row_counts(app)
    for visitor in (client, owners["acme"]):
        for path in PAGES:
            assert visitor.get(path).status_code == 404, path
        for path in ACTIONS:
            answer = post_with_token(visitor, path, {"note": "x", "amount": "1", "org": "acme", "tool": "testtool",
                                                     "reason": "x"}, token_from="/login")
            assert answer.status_code == 404, path
    assert row_counts(app) == before


def test_invoices_filter_by_status_org_and_tool(app, owners, admin):
    buy(owners["acme"], "acme", plan="basic")
    buy(owners["beta"], "beta", plan="team", seats="3")
    acme_number = only_invoice(app, "acme").number
    beta_number = only_invoice(app, "beta").number
    invoice_action(admin, only_invoice(app, "beta").id, "paid", {"note": "wire"})

    def listed(**filters):
        return admin.get("/admin/billing/invoices", query_string=filters).get_data(as_text=True)

    assert acme_number in listed() and beta_number in listed()
    assert acme_number in listed(status="open") and beta_number not in listed(status="open")
    assert beta_number in listed(org="beta") and acme_number not in listed(org="beta")
    assert "No invoices match." in listed(org="nosuch")
    assert acme_number in listed(tool="nosuch") and acme_number in listed(tool="testtool", status="bogus")  # ignored


def test_invoice_list_pages_by_fifty(app, owners, admin):
    buy(owners["acme"], "acme", plan="basic")
    with app.app_context():
        session = get_db(app).session
        org_id = session.scalar(select(Organization.id).where(Organization.slug == "acme"))
        with org_scope(org_id):
            sub = session.scalar(select(Subscription))
            now = utcnow()
            for n in range(50):
                issue_invoice(session, sub, amount=100 + n, start=now, end=now, description=f"extra {n}")
        session.commit()
        session.remove()
    first = admin.get("/admin/billing/invoices").get_data(as_text=True)
    assert "1–50 of 51 invoices · page 1 of 2" in first and first.count("data-invoice=") == 50
    second = admin.get("/admin/billing/invoices", query_string={"page": 2}).get_data(as_text=True)
    assert second.count("data-invoice=") == 1


def test_mark_paid_needs_a_note_and_happens_once(app, owners, admin):
    org_client = owners["acme"]
    buy(org_client, "acme", plan="basic")
    invoice = only_invoice(app, "acme")
    before = row_counts(app)
    refused = invoice_action(admin, invoice.id, "paid", {"note": "  "})
    assert refused.status_code == 422 and "Say how the invoice was paid" in refused.get_data(as_text=True)
    assert row_counts(app) == before and license_row(app, "acme").status == "pending"
    done = invoice_action(admin, invoice.id, "paid", {"note": "SEPA 99"})
    assert done.status_code == 303
    page = admin.get(done.location).get_data(as_text=True)
    assert "is marked paid" in page and "SEPA 99" in page
    assert license_row(app, "acme").status == "active"
    before = row_counts(app)
    twice = post_with_token(admin, f"/admin/billing/invoices/{invoice.id}/paid", {"note": "again"})
    assert twice.status_code == 422 and "only an open invoice can be marked paid" in twice.get_data(as_text=True)
    assert row_counts(app) == before
    assert admin.get("/admin/billing/invoices/999999").status_code == 404


@pytest.mark.parametrize(("amount", "message"), [
    ("6.00", "At most USD 5.00 can still be refunded"),
    ("abc", "Give the refund as an amount such as 2.50."),
    ("-1", "The refund must be more than zero."),
    ("0", "The refund must be more than zero."),
    ("1.234", "at most two decimals"),
    ("1e999999999", "The refund is larger than any invoice can be."),
    ("99999999999999999999999", "The refund is larger than any invoice can be."),
])
def test_bad_refunds_are_refused_and_change_nothing(app, owners, admin, amount, message):
    buy(owners["acme"], "acme", plan="basic")
    invoice = only_invoice(app, "acme")
    invoice_action(admin, invoice.id, "paid", {"note": "wire"})
    before = row_counts(app)
    r = invoice_action(admin, invoice.id, "refund", {"amount": amount, "note": "goodwill"})
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert row_counts(app) == before


def test_refund_is_noted_and_revenue_counts_paid_minus_refunded(app, owners, admin):
    buy(owners["acme"], "acme", plan="basic")
    buy(owners["beta"], "beta", plan="team", seats="4")
    open_acme = only_invoice(app, "acme")
    refused = post_with_token(admin, f"/admin/billing/invoices/{open_acme.id}/refund", {"amount": "1", "note": "x"})
    assert refused.status_code == 422 and "only a paid invoice can be refunded" in refused.get_data(as_text=True)
    for slug in ("acme", "beta"):
        invoice_action(admin, only_invoice(app, slug).id, "paid", {"note": "wire"})
    noted = invoice_action(admin, open_acme.id, "refund", {"amount": "2.50", "note": "outage"})
    assert noted.status_code == 303
    assert only_invoice(app, "acme", "paid").amount_refunded == 250
    assert license_row(app, "acme").status == "active"
    no_note = invoice_action(admin, open_acme.id, "refund", {"amount": "1", "note": ""})
    assert no_note.status_code == 422 and "Say why and how the refund was made." in no_note.get_data(as_text=True)

    page = admin.get("/admin/billing/revenue").get_data(as_text=True)
    row = page[page.index('data-revenue="testtool-USD"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">2</td>' in row and "USD 11.00" in row and "USD 2.50" in row and "USD 8.50" in row
    assert row.rstrip().endswith('<td class="num">2</td>')
    assert "Revenue" in admin.get("/admin/").get_data(as_text=True)


def test_comp_license_needs_a_reason_and_is_audited(app, owners, admin, login_as):
    before = row_counts(app)
    for form, message in (({"org": "acme", "tool": "testtool", "reason": " "}, "A reason is required"),
                          ({"org": "nosuch", "tool": "testtool", "reason": "pilot"}, "There is no organization"),
                          ({"org": "acme", "tool": "nosuch", "reason": "pilot"}, "There is no available tool"),
                          ({"org": "acme", "tool": "testtool", "reason": "pilot", "days": "x"},
                           "Days must be a whole number.")):
        r = submit_form(admin, "/admin/billing/comp", form)
        assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert row_counts(app) == before
    assert 'name="reason"' in admin.get("/admin/billing/comp").get_data(as_text=True)

    r = submit_form(admin, "/admin/billing/comp", {"org": "acme", "tool": "testtool", "reason": "pilot partner",
                                                   "days": "60", "seats": "5", "plan": "team"})
    assert r.status_code == 303 and "/admin/licenses/" in r.location
    lic = license_row(app, "acme")
    assert (lic.status, lic.seats) == ("active", 5)
    assert invoices_of(app, "acme") == []
    change, named = [e for e in entries(app, entity_type="license") if e.reason and "pilot partner" in e.reason]
    assert (change.action, named.action) == ("create", "license_granted")
    for entry in (change, named):
        assert entry.reason == "complimentary license (no charge): pilot partner"
        assert entry.actor_label == "root@platform.example.org"
    assert license_row(app, "beta") is None
