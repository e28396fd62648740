"""The one billing interface; ``TRIALOFFICE_BILLING`` picks the implementation."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from flask import current_app

from ..models import Organization, Subscription


@dataclass
class StartedPurchase:
    """What a backend did with a new purchase: nothing more to do, or send the user to pay."""

    redirect_url: str | None = None


class BillingBackend(ABC):
    name: str

    @abstractmethod
    def start_purchase(self, session, org: Organization, sub: Subscription, *,
                       payment_method: str | None, return_url: str | None) -> StartedPurchase:
        """Open ``sub`` with the provider and write its first state into it (not the license)."""

    def payment_problems(self, payment_method: str | None) -> list[tuple[str, str]]:
        """What a purchase must still say to be paid this way, as (field, message); none by default."""
        return []

    @abstractmethod
    def change_seats(self, session, org: Organization, sub: Subscription, seats: int) -> None:
        """Change the seat count; bills the difference the way the backend bills."""

    @abstractmethod
    def cancel(self, session, org: Organization, sub: Subscription, *, at_period_end: bool) -> None:
        """End ``sub`` now or at the end of the paid period."""

    @abstractmethod
    def refresh(self, session, sub: Subscription) -> bool:
        """Re-read ``sub`` from the provider; True when something changed."""


def billing_backend(name: str | None = None) -> BillingBackend:
    name = name or current_app.config["BILLING"]
    if name == "stripe":
        from .stripe_backend import StripeBackend

        return StripeBackend()
    from .manual import ManualBackend

    return ManualBackend()
