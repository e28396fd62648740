"""Billing: catalog prices, purchases through one backend interface (manual or Stripe), webhooks,
seats and invoices. Its outcome is written into ``License``, the only table the request path reads.
"""
from .backend import BillingBackend, billing_backend
from .errors import BillingError, ProviderError
from .purchases import PurchaseResult, cancel, change_seats, open_subscription, purchase

__all__ = ["BillingBackend", "BillingError", "ProviderError", "PurchaseResult", "billing_backend", "cancel",
           "change_seats", "open_subscription", "purchase"]
