"""What the billing API accepts and answers; amounts are integers in minor units (cents)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..licensing import MAX_SEATS
from .schemas import OrgToolSchema

UTC = {"description": "ISO 8601, UTC"}
MINOR = "in minor units (cents) of ``currency``"
SEATS = validate.Range(min=1, max=MAX_SEATS)


class PurchaseArgsSchema(Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "Plan code from the catalog, e.g. basic"})
    interval = fields.String(load_default="month", validate=validate.OneOf(("month", "year")),
                             metadata={"description": "Billed every month (default) or every year"})
    seats = fields.Integer(strict=True, allow_none=True, validate=SEATS,
                           metadata={"description": "Per-seat plans only; default the plan's minimum"})
    payment_method = fields.String(allow_none=True, validate=validate.Length(max=120),
                                   metadata={"description": "Stripe PaymentMethod id (e.g. pm_card_visa), "
                                                            "only on the direct Stripe path; ignored otherwise"})


class CancelArgsSchema(Schema):
    at_period_end = fields.Boolean(load_default=True,
                                   metadata={"description": "Keep access until the paid period ends "
                                                            "(default); false ends it now"})


class SeatsArgsSchema(Schema):
    seats = fields.Integer(strict=True, required=True, validate=SEATS,
                           metadata={"description": "The new seat count"})


class SeatHolderArgsSchema(Schema):
    email = fields.Email(required=True, metadata={"description": "The member who gets or gives back a seat"})


class LicenseSchema(Schema):
    status = fields.String(required=True)
    plan = fields.String(required=True, metadata={"description": "Plan code"})
    seats = fields.Integer(required=True)
    valid_until = fields.DateTime(allow_none=True, format="iso", metadata=UTC)
    trial_ends_at = fields.DateTime(allow_none=True, format="iso", metadata=UTC)
    entitled = fields.Boolean(required=True, metadata={"description": "The license lets the tool run now"})
    suspension_reason = fields.String(allow_none=True, metadata={"description": "Why a platform admin "
                                                                                "suspended it (null unless "
                                                                                "suspended)"})


class SubscriptionSchema(Schema):
    id = fields.Integer(required=True)
    plan = fields.String(required=True)
    plan_name = fields.String(required=True)
    interval = fields.String(required=True, metadata={"description": "month or year"})
    per_seat = fields.Boolean(required=True)
    seats = fields.Integer(required=True)
    currency = fields.String(required=True, metadata={"description": "ISO 4217 code"})
    amount = fields.Integer(required=True, attribute="price.amount",
                            metadata={"description": f"Price per period (per seat if per_seat) {MINOR}"})
    total = fields.Integer(required=True, attribute="total.amount",
                           metadata={"description": f"What one period costs for all seats {MINOR}"})
    status = fields.String(required=True, metadata={"description": "pending, active, past_due, canceled, ..."})
    current_period_end = fields.DateTime(allow_none=True, format="iso", metadata=UTC)
    cancel_at_period_end = fields.Boolean(required=True)
    next_charge_at = fields.DateTime(allow_none=True, format="iso",
                                     metadata={"description": "Next charge (UTC); null if none is due"})
    next_charge_amount = fields.Function(lambda sub: sub.next_charge.amount if sub.next_charge else None,
                                         allow_none=True, metadata={"type": "integer", "description": MINOR})
    backend = fields.String(required=True, metadata={"description": "manual or stripe"})
    checkout_url = fields.String(allow_none=True, metadata={"description": "Where to pay a pending purchase"})


class SeatHolderSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)


class SeatHoldersSchema(Schema):
    seats = fields.Integer(required=True, metadata={"description": "Seats the license holds"})
    holders = fields.List(fields.Nested(SeatHolderSchema), required=True)


class BillingToolSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    enabled = fields.Boolean(required=True, metadata={"description": "The organization's switch"})
    license = fields.Nested(LicenseSchema, allow_none=True)
    subscription = fields.Nested(SubscriptionSchema, allow_none=True,
                                 metadata={"description": "The open subscription, else the newest one"})
    seat_holders = fields.List(fields.Nested(SeatHolderSchema), required=True,
                               metadata={"description": "Members holding a seat (per-seat plans)"})


class InvoiceSchema(Schema):
    number = fields.String(required=True)
    tool = fields.String(required=True, attribute="tool_key")
    description = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open, paid, void or uncollectible"})
    currency = fields.String(required=True)
    amount_due = fields.Integer(required=True, metadata={"description": MINOR})
    amount_paid = fields.Integer(required=True, metadata={"description": MINOR})
    amount_refunded = fields.Integer(required=True, metadata={"description": MINOR})
    period_start = fields.DateTime(allow_none=True, format="iso", metadata=UTC)
    period_end = fields.DateTime(allow_none=True, format="iso", metadata=UTC)
    paid_at = fields.DateTime(allow_none=True, format="iso", metadata=UTC)
    created_at = fields.DateTime(required=True, format="iso", metadata=UTC)


class BillingOverviewSchema(Schema):
    org = fields.String(required=True, attribute="org_slug", metadata={"description": "Organization slug"})
    tools = fields.List(fields.Nested(BillingToolSchema), required=True,
                        metadata={"description": "Each tool the organization holds or pays for: its "
                                                 "license and subscription"})
    invoices = fields.List(fields.Nested(InvoiceSchema), required=True, metadata={"description": "Newest first"})


class PurchaseResultSchema(Schema):
    created = fields.Boolean(required=True, metadata={"description": "False: the same open purchase was "
                                                                     "asked for again, nothing new was made"})
    tool = fields.Nested(OrgToolSchema, required=True, metadata={"description": "The license state now"})
    subscription = fields.Nested(SubscriptionSchema, required=True)
    invoice = fields.Nested(InvoiceSchema, allow_none=True, metadata={"description": "The open invoice to pay "
                                                                                    "(manual billing)"})
    checkout_url = fields.String(allow_none=True, metadata={"description": "Send the user here to pay"})
