"""Shared set-up for the billing page, API and console tests: reading what the database holds."""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from host.db import get_db
from host.licensing_sweep import sweep_licenses
from host.models import Invoice, License, Organization, Price, SeatAssignment, Subscription
from sdk import Plan
from sdk.tenancy import all_organizations, org_scope
from tests.generated_tools import make_tool

COUNTED = (Subscription, License, Invoice, SeatAssignment, Price)


@dataclasses.dataclass(frozen=True)
class LicenseRow:
    status: str
    seats: int
    valid_until: datetime | None


def row_counts(app) -> dict[str, int]:
    """Rows of every billing table, all organizations together: equal before and after a refusal."""
    with app.app_context(), all_organizations():
        session = get_db(app).session
        counts = {model.__name__: session.scalar(select(func.count(model.id))) for model in COUNTED}
        counts["subscription_state"] = tuple(session.execute(
            select(Subscription.status, Subscription.seats, Subscription.cancel_at_period_end)
            .order_by(Subscription.id)).all())
        counts["license_state"] = tuple(session.execute(
            select(License.org_id, License.status, License.seats).order_by(License.id)).all())
        counts["invoice_state"] = tuple(session.execute(
            select(Invoice.status, Invoice.amount_paid, Invoice.amount_refunded).order_by(Invoice.id)).all())
        get_db(app).session.remove()
    return counts


def _org_id(session, slug: str) -> int:
    return session.scalar(select(Organization.id).where(Organization.slug == slug))


def license_row(app, slug: str, key: str = "testtool") -> LicenseRow | None:
    with app.app_context():
        session = get_db(app).session
        with org_scope(_org_id(session, slug)):
            lic = session.scalar(select(License).where(License.tool_key == key))
            row = LicenseRow(lic.status, lic.seats, lic.valid_until) if lic else None
        session.remove()
    return row


def invoices_of(app, slug: str) -> list[Invoice]:
    with app.app_context():
        session = get_db(app).session
        with org_scope(_org_id(session, slug)):
            rows = list(session.scalars(select(Invoice).order_by(Invoice.id)))
            session.expunge_all()
        session.remove()
    return rows


def sweep_after(app, moment: datetime, later: timedelta = timedelta(days=1)):
    """Run the license sweep as if it were ``later`` past ``moment``."""
    with app.app_context():
        session = get_db(app).session
        report = sweep_licenses(session, moment + later)
        session.commit()
        session.remove()
    return report


def free_tool():
    """A generated tool whose only plan costs nothing."""
    module = make_tool("freebie")
    module.manifest = dataclasses.replace(module.manifest, plans=(Plan(code="free", name="Free", amount=0),))
    return module


def flashed_invoice_number(page: str) -> str:
    found = re.search(r"Invoice (TO-\d{6}-[0-9A-F]{8})", page)
    assert found, page
    return found.group(1)
