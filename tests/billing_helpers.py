"""Shared set-up for the billing tests: buying at the service level and reading what is stored.

"""
from __future__ import annotations

from sqlalchemy import func, select

from host.billing import purchase
from host.db import get_db
from host.models import (
    BillingEvent,
    Invoice,
    License,
    Organization,
    Price,
    SeatAssignment,
    Subscription,
    User,
)
from sdk.tenancy import all_organizations, org_scope

COUNTED = (Subscription, License, Invoice, SeatAssignment, Price, BillingEvent)


def buy(app, org, owner, *, plan_code: str, interval: str = "month", seats: int | None = None,
        payment_method: str | None = None, return_url: str | None = None, tool_key: str = "testtool"):
    """Purchase through the service as ``owner``; returns (the provider's subscription id, created)."""
    with app.app_context():
        session = get_db(app).session
        try:
            result = purchase(session, session.get(Organization, org.id), tool_key, plan_code=plan_code,
                              interval=interval, seats=seats, actor=session.get(User, owner.id),
                              payment_method=payment_method, return_url=return_url)
            answer = (result.subscription.external_id, result.created)
            session.commit()
            return answer
        except Exception:
            session.rollback()
            raise
        finally:
            session.remove()


def _detached(app, org, query):
    with app.app_context():
        session = get_db(app).session
        try:
            with org_scope(org.id):
                found = session.scalar(query)
                if found is not None:
                    session.expunge(found)
            return found
        finally:
            session.remove()


def license_of(app, org, tool_key: str = "testtool") -> License | None:
    return _detached(app, org, select(License).where(License.tool_key == tool_key))


def subscription_of(app, org, tool_key: str = "testtool") -> Subscription | None:
    """The organization's newest subscription of the tool."""
    return _detached(app, org, select(Subscription).where(Subscription.tool_key == tool_key)
                     .order_by(Subscription.id.desc()).limit(1))


def processed_events(app, org=None) -> list[str]:
    """Types of the provider events processed (for the organization, if given), oldest first."""
    query = select(BillingEvent.type).order_by(BillingEvent.id)
    if org is not None:
        query = query.where(BillingEvent.org_id == org.id)
    with app.app_context():
        session = get_db(app).session
        try:
            return list(session.scalars(query))
        finally:
            session.remove()


def row_counts(app) -> dict[str, int]:
    """Rows of every billing table, all organizations together."""
    with app.app_context(), all_organizations():
        session = get_db(app).session
        try:
            return {model.__name__: session.scalar(select(func.count(model.id))) for model in COUNTED}
        finally:
            session.remove()
