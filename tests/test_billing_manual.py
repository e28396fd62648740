"""The manual backend end to end at the service level: purchase, invoice, mark paid, sweep."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from host.billing import BillingError, purchase
from host.billing.manual import add_interval, mark_paid
from host.billing.renewals import run_manual_renewals
from host.billing.scheduler import sweep_once
from host.billing.seats import assign_seat
from host.db import get_db
from host.licensing_sweep import sweep_licenses
from host.models import Invoice, License, Organization, Price, Subscription, User
from sdk.audit import reason_for_change
from sdk.models import utcnow
from sdk.tenancy import all_organizations, org_scope


@pytest.fixture
def buyer(app, make_user, make_org):
    user = make_user("buyer@example.org")
    org = make_org("acme", owner=user)
    return user, org


def _load(session, org_ref, user_ref):
    return session.get(Organization, org_ref.id), session.get(User, user_ref.id)


def _license(session, org_id, key="testtool"):
    with org_scope(org_id):
        return session.scalar(select(License).where(License.tool_key == key))


def test_purchase_issues_invoice_and_pending_license_until_paid(app, buyer):
    with app.app_context():
        session = get_db(app).session
        org, user = _load(session, *reversed(buyer))
        result = purchase(session, org, "testtool", plan_code="basic", actor=user)
        assert result.created and result.redirect_url is None
        assert result.subscription.status == "pending"
        assert result.license.status == "pending" and not result.license.entitled()
        with org_scope(org.id):
            invoice = session.scalar(select(Invoice))
        assert (invoice.status, invoice.amount_due, invoice.currency) == ("open", 500, "USD")
        session.commit()
        mark_paid(session, invoice, "bank transfer 4711")
        session.commit()
        lic = _license(session, org.id)
        assert lic.status == "active" and lic.entitled()
        assert lic.valid_until == add_interval(invoice.paid_at, "month")
        later = lic.valid_until + timedelta(seconds=1)
        sweep_licenses(session, later)
        session.commit()
        assert _license(session, org.id).status == "lapsed"


def test_double_purchase_makes_one_subscription(app, buyer):
    with app.app_context():
        session = get_db(app).session
        org, user = _load(session, *reversed(buyer))
        first = purchase(session, org, "testtool", plan_code="team", seats=4, actor=user)
        second = purchase(session, org, "testtool", plan_code="team", seats=4, actor=user)
        assert not second.created and second.subscription.id == first.subscription.id
        with pytest.raises(BillingError, match="already subscribes"):
            purchase(session, org, "testtool", plan_code="basic", actor=user)
        with all_organizations():
            assert session.scalar(select(func.count(Subscription.id))) == 1
            assert session.scalar(select(func.count(License.id))) == 1


def test_annual_price_defaults_to_ten_months(app, buyer):
    with app.app_context():
        session = get_db(app).session
        org, user = _load(session, *reversed(buyer))
        result = purchase(session, org, "testtool", plan_code="team", interval="year", seats=3, actor=user)
        assert result.subscription.price.amount == 1500
        with org_scope(org.id):
            assert session.scalar(select(Invoice.amount_due)) == 4500
        assert session.scalar(select(func.count(Price.id)).where(Price.tool_key == "testtool")) == 4


def test_per_seat_license_admits_seat_holders_only(app, buyer, make_user, add_member, login_as):
    user, org_ref = buyer
    member = make_user("member@example.org")
    add_member(org_ref, member)
    with app.app_context():
        session = get_db(app).session
        org, owner = _load(session, org_ref, user)
        purchase(session, org, "testtool", plan_code="team", seats=3, actor=owner)
        with org_scope(org.id):
            invoice = session.scalar(select(Invoice))
        mark_paid(session, invoice, "wire 1")
        session.commit()
    # Paid: switched on at once, and the buyer holds a seat.
    assert login_as(user).get("/o/acme/testtool/").status_code == 200
    refused = login_as(member).get("/o/acme/testtool/")
    assert refused.status_code == 403 and b"none of its 3 seats is assigned to you" in refused.data
    with app.app_context():
        session = get_db(app).session
        assign_seat(session, session.get(Organization, org_ref.id), "testtool", session.get(User, member.id))
        session.commit()
    assert login_as(member).get("/o/acme/testtool/").status_code == 200


def test_renewal_invoice_then_grace_then_paid_renewal_extends(app, buyer):
    user, org_ref = buyer
    with app.app_context():
        session = get_db(app).session
        org, owner = _load(session, org_ref, user)
        purchase(session, org, "testtool", plan_code="basic", actor=owner)
        with org_scope(org.id):
            first = session.scalar(select(Invoice))
        mark_paid(session, first, "wire 1")
        session.commit()
        end = _license(session, org.id).valid_until
        report = run_manual_renewals(session, end - timedelta(days=3))
        session.commit()
        assert len(report.invoiced) == 1
        with org_scope(org.id):
            renewal = session.scalar(select(Invoice).where(Invoice.id != first.id))
        assert (renewal.status, renewal.period_start, renewal.amount_due) == ("open", end, 500)
        assert run_manual_renewals(session, end - timedelta(days=2)).invoiced == []
        run_manual_renewals(session, end + timedelta(hours=1))
        session.commit()
        lic = _license(session, org.id)
        assert lic.status == "grace" and lic.entitled(end + timedelta(hours=2))
        mark_paid(session, renewal, "wire 2")
        session.commit()
        lic = _license(session, org.id)
        assert lic.status == "active" and lic.valid_until == add_interval(end, "month")


def test_scheduled_sweep_lapses_expired_licenses(app, buyer, grant_license):
    user, org_ref = buyer
    grant_license(org_ref, "testtool", status="active", days=1)
    with app.app_context(), org_scope(org_ref.id):
        session = get_db(app).session
        lic = session.scalar(select(License))
        with reason_for_change("test: time passes"):
            lic.valid_until = utcnow() - timedelta(minutes=1)
            session.commit()
    assert sweep_once(app) == 1
    with app.app_context():
        assert _license(get_db(app).session, org_ref.id).status == "lapsed"


def test_paid_period_bought_during_a_trial_starts_at_the_trials_end(app, buyer):
    """Issue 10: the trial's days are not charged; the invoice and the paid period start when it ends."""
    from host.licensing import start_trial

    with app.app_context():
        session = get_db(app).session
        org, user = _load(session, *reversed(buyer))
        trial = start_trial(session, org, "testtool", user)
        session.commit()
        trial_end = trial.trial_ends_at
        purchase(session, org, "testtool", plan_code="team", seats=3, actor=user)
        session.commit()
        with org_scope(org.id):
            invoice = session.scalar(select(Invoice))
        assert (invoice.period_start, invoice.period_end) == (trial_end, add_interval(trial_end, "month"))
        assert _license(session, org.id).status == "trialing"  # the trial runs on while the invoice is open
        mark_paid(session, invoice, "bank transfer 4712")
        session.commit()
        with org_scope(org.id):
            sub = session.scalar(select(Subscription))
        assert (sub.current_period_start, sub.current_period_end) == (trial_end, add_interval(trial_end, "month"))
        lic = _license(session, org.id)
        assert lic.status == "active" and lic.valid_until == add_interval(trial_end, "month")


def test_invoice_paid_after_the_trial_ended_starts_the_period_when_paid(app, buyer):
    from host.licensing import start_trial

    with app.app_context():
        session = get_db(app).session
        org, user = _load(session, *reversed(buyer))
        trial = start_trial(session, org, "testtool", user)
        purchase(session, org, "testtool", plan_code="basic", actor=user)
        session.commit()
        with org_scope(org.id):
            invoice = session.scalar(select(Invoice))
        paid_at = trial.trial_ends_at + timedelta(days=2)
        mark_paid(session, invoice, "late transfer", paid_at=paid_at)
        session.commit()
        assert (invoice.period_start, invoice.period_end) == (paid_at, add_interval(paid_at, "month"))
