"""``/api/v1/o/<org>/billing`` and the purchase, cancel and seats actions of each tool.

The same services as the billing pages (``host.billing``). The request is checked first (422, with
the purchase's own messages); a refusal by the organization's current state is 409; a payment the
provider refuses is 402. Nothing is written when the answer is an error.
"""
from __future__ import annotations

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sdk.api_docs import InvalidInput
from sdk.forms import InputProblems

from ..billing import ProviderError, billing_backend, cancel, change_seats, open_subscription, purchase
from ..billing.overview import billing_overview, invoice_view, subscription_view
from ..billing.purchases import check_terms, checked_seats
from ..billing.quote import quote
from ..billing.seats import assign_seat, release_seat, seat_holders
from ..db import db_session
from ..licensing import LicensingError
from ..models import Invoice, License, Membership, User
from ..orgctx import org_member_required
from .base import ApiBlueprint, error_documenter
from .billing_schemas import (
    BillingOverviewSchema,
    CancelArgsSchema,
    PurchaseArgsSchema,
    PurchaseResultSchema,
    SeatHolderArgsSchema,
    SeatHoldersSchema,
    SeatsArgsSchema,
    SubscriptionSchema,
)
from .tools import tool_status

blp = ApiBlueprint("api-org-billing", __name__, url_prefix="/api/v1/o/<org>", tag="Billing",
                   description="What an organization holds and pays; buying, re-sizing and cancelling tools.")
ERRORS = {401: "Not signed in, or the token is invalid or revoked",
          402: "The payment provider refused the payment; the message says why",
          403: "Only owners and admins of the organization may do this",
          404: "No such organization for this caller (or token), or no such tool",
          409: "The organization's subscription does not allow it now; the message says why",
          422: "The request is not valid: unknown plan, seats out of range, interval not sold, ..."}


documents_errors = error_documenter(blp, ERRORS)


def _manifest(key: str):
    manifest = current_app.extensions["trialoffice.registry"].manifest(key)
    if manifest is None:
        abort(404, f"There is no available tool '{key}'.")
    return manifest


def _run(check, action):
    """``check(session)`` refusals are 422, ``action(session)`` refusals 409 (402 from the provider);
    commits only when both pass."""
    session = db_session()
    try:
        check(session)
    except InputProblems as problems:  # every problem, each naming its field, as the pages show them
        session.rollback()
        raise InvalidInput(problems) from None
    except LicensingError as exc:
        session.rollback()
        abort(422, str(exc))
    try:
        result = action(session)
        session.commit()
    except ProviderError as exc:
        session.rollback()
        abort(402, str(exc))
    except LicensingError as exc:
        session.rollback()
        abort(409, str(exc))
    except IntegrityError:
        session.rollback()
        abort(409, "The subscription was changed by someone else at the same time. Try again.")
    return result


@blp.route("/billing", methods=["GET"])
@blp.response(200, BillingOverviewSchema)
@documents_errors(401, 404)
@org_member_required
def get_billing():
    """What the organization holds and pays

    Per tool: the license, the subscription (price per period, seats, total, next charge) and
    the members holding a seat; then every invoice, newest first. Any member may read it.
    """
    return billing_overview(db_session(), g.org)


@blp.route("/tools/<key>/purchase", methods=["POST"])
@blp.arguments(PurchaseArgsSchema)
@blp.response(201, PurchaseResultSchema)
@blp.alt_response(200, schema=PurchaseResultSchema, description="The same purchase was already made and is "
                                                                  "still open: it is answered, nothing new is made")
@documents_errors(401, 402, 403, 404, 409, 422)
@org_member_required(admin=True)
def purchase_tool(args, key: str):
    """Buy a tool

    Manual billing issues an invoice and leaves the license pending until it is paid (a free plan
    is active at once). With Stripe Checkout the answer carries ``checkout_url``: send the user
    there; the license follows when Stripe confirms. Owners and admins only.
    """
    manifest = _manifest(key)
    actor = current_user._get_current_object()
    def check(session):
        check_terms(manifest, args["plan"], args["interval"], args.get("seats"),
                    payment_method=args.get("payment_method") or None, backend=billing_backend())
        quote(session, manifest, args["plan"], args["interval"], args.get("seats"))

    result = _run(check,
                  lambda s: purchase(s, g.org, key, plan_code=args["plan"], interval=args["interval"],
                                     seats=args.get("seats"), actor=actor,
                                     payment_method=args.get("payment_method") or None))
    session = db_session()
    invoice = session.scalar(select(Invoice).where(Invoice.subscription_id == result.subscription.id,
                                                   Invoice.status == "open").order_by(Invoice.id.desc()))
    body = {"created": result.created, "tool": tool_status(g.org, manifest),
            "subscription": subscription_view(result.subscription),
            "invoice": invoice_view(invoice) if invoice else None, "checkout_url": result.redirect_url}
    return body, 201 if result.created else 200


@blp.route("/tools/<key>/cancel", methods=["POST"])
@blp.arguments(CancelArgsSchema)
@blp.response(200, SubscriptionSchema)
@documents_errors(401, 403, 404, 409)
@org_member_required(admin=True)
def cancel_tool(args, key: str):
    """Cancel a tool's subscription

    By default at the end of the period already paid for: the license stays valid until then and
    nothing more is charged. ``at_period_end: false`` ends it now. Owners and admins only.
    """
    _manifest(key)
    actor = current_user._get_current_object()
    sub = _run(lambda s: None,
               lambda s: cancel(s, g.org, key, actor, at_period_end=args["at_period_end"]))
    return subscription_view(sub)


@blp.route("/tools/<key>/seats", methods=["POST"])
@blp.arguments(SeatsArgsSchema)
@blp.response(200, SubscriptionSchema)
@documents_errors(401, 403, 404, 409, 422)
@org_member_required(admin=True)
def change_tool_seats(args, key: str):
    """Change the seats of a per-seat subscription

    The license follows at once. Refused below the number of seats already assigned (release
    seats first) and on flat plans. Owners and admins only.
    """
    _manifest(key)
    actor = current_user._get_current_object()

    def check(session):
        sub = open_subscription(session, g.org, key)
        if sub is not None:
            checked_seats(sub.price, args["seats"])

    sub = _run(check, lambda s: change_seats(s, g.org, key, args["seats"], actor))
    return subscription_view(sub)


def _member_by_email(session, email: str) -> User:
    user = session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                          .where(Membership.org_id == g.org.id, User.email == email.strip().lower()))
    if user is None:
        raise LicensingError(f"{email} is not a member of {g.org.name}.")
    return user


def _change_seat(key: str, email: str, change) -> dict:
    """``change`` (assign or release) the seat of member ``email``; answers the seats and holders."""
    _manifest(key)
    actor = current_user._get_current_object()
    _run(lambda s: _member_by_email(s, email), lambda s: change(s, g.org, key, _member_by_email(s, email), actor))
    session = db_session()
    lic = session.scalar(select(License).where(License.tool_key == key))
    return {"seats": lic.seats if lic else 0, "holders": seat_holders(session, g.org, key)}


@blp.route("/tools/<key>/seats/assign", methods=["POST"])
@blp.arguments(SeatHolderArgsSchema)
@blp.response(200, SeatHoldersSchema)
@documents_errors(401, 403, 404, 409, 422)
@org_member_required(admin=True)
def assign_tool_seat(args, key: str):
    """Give a member a seat of a per-seat license

    Refused when every seat is taken (buy more seats first) or the member holds one already.
    Owners and admins only.
    """
    return _change_seat(key, args["email"], assign_seat)


@blp.route("/tools/<key>/seats/release", methods=["POST"])
@blp.arguments(SeatHolderArgsSchema)
@blp.response(200, SeatHoldersSchema)
@documents_errors(401, 403, 404, 409, 422)
@org_member_required(admin=True)
def release_tool_seat(args, key: str):
    """Take a seat back from a member

    The seat is free for another member at once. Owners and admins only.
    """
    return _change_seat(key, args["email"], release_seat)
