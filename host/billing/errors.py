"""Billing errors; the message of each is meant for the user."""
from ..licensing import LicensingError


class BillingError(LicensingError):
    """A refused billing action (bad plan, seats beyond the limit, provider refusal)."""


class ProviderError(BillingError):
    """The payment provider could not be reached or refused the request."""
