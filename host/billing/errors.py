"""Billing errors; the message of each is meant for the user."""
from sdk.forms import InputProblems

from ..licensing import LicensingError


class BillingError(LicensingError):
    """A refused billing action (bad plan, seats beyond the limit, provider refusal)."""


class ProviderError(BillingError):
    """The payment provider could not be reached or refused the request."""


class BillingProblems(InputProblems, BillingError):
    """Every problem of one billing input, each naming its field (plan, interval, seats, ...).

    Still a :class:`BillingError`, so a caller that only reads the message keeps working; a page
    form absorbs the problems beside their fields and the JSON API answers them as its 422."""

    @classmethod
    def of(cls, field: str | None, message: str) -> "BillingProblems":
        return cls([(field, message)])
