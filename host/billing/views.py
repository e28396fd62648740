"""The organization's billing page: what it holds and pays, and the changes an admin makes.

Any member may look (read only, like the members page); owners and admins change seats,
cancel and hand out seats (403 otherwise). Every change goes through the billing services, so
the page applies the same rules as the API.
"""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sdk.numbers import row_id

from ..db import db_session
from ..licensing import LicensingError
from ..members.roles import members_of
from ..models import Membership, User
from ..orgctx import org_member_required
from . import purchase_views  # noqa: F401  (registers the purchase routes on bp)
from .blueprint import bp, manifest_or_404
from .overview import billing_overview
from .purchases import cancel, change_seats, open_subscription
from .quote import parse_seats
from .seats import assign_seat, release_seat

__all__ = ["bp"]


def render_billing_page(status: int = 200):
    session = db_session()
    is_admin = g.membership.is_admin
    return render_template("billing/index.html", overview=billing_overview(session, g.org),
                           can_manage=is_admin, members=members_of(session, g.org.id) if is_admin else []), status


def refuse(message: str, status: int = 422):
    """Undo the request's changes and answer the billing page with ``message``."""
    db_session().rollback()
    flash(message, "error")
    return render_billing_page(status)


def apply_change(key: str, change, done: str):
    """Run ``change(session, manifest)``, commit and go back to the page, or say why not."""
    manifest = manifest_or_404(key)
    session = db_session()
    try:
        change(session, manifest)
        session.commit()
    except LicensingError as exc:
        return refuse(str(exc))
    except IntegrityError:
        return refuse(f"{manifest.name} was changed by someone else at the same time. Try again.", 409)
    flash(done.format(name=manifest.name), "success")
    return redirect(url_for("billing.index"), 303)


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/o/<org>/billing")
@org_member_required
def index():
    return render_billing_page()


@bp.post("/o/<org>/billing/<key>/seats")
@org_member_required(admin=True)
def resize(key: str):
    def change(session, manifest):
        change_seats(session, g.org, key, parse_seats(request.form.get("seats")), _actor())

    return apply_change(key, change, "The seats of {name} were changed.")


@bp.route("/o/<org>/billing/<key>/cancel", methods=["GET", "POST"])
@org_member_required(admin=True)
def cancel_subscription(key: str):
    """GET asks for confirmation; POST with ``confirm=yes`` cancels at the end of the period."""
    manifest = manifest_or_404(key)
    sub = open_subscription(db_session(), g.org, key)
    if sub is None:
        return refuse(f"{g.org.name} has no open subscription for {manifest.name}.", 409)
    overview = billing_overview(db_session(), g.org)
    if request.method != "POST":
        return render_template("billing/cancel.html", manifest=manifest, item=overview.tool(key))
    if request.form.get("confirm") != "yes":
        flash("Tick the confirmation to cancel; nothing was changed.", "error")
        return render_template("billing/cancel.html", manifest=manifest, item=overview.tool(key)), 400

    def change(session, manifest):
        cancel(session, g.org, key, _actor(), at_period_end=True)

    return apply_change(key, change, "{name} is cancelled: it stays available until the end of the "
                                     "period already paid for, and will not be charged again.")


def _member_user(session, raw_user_id) -> User:
    """A member of the current organization by user id (anyone else is refused, never looked up)."""
    user_id = row_id(raw_user_id or "")
    user = None
    if user_id is not None:
        user = session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.org_id == g.org.id, User.id == user_id))
    if user is None:
        raise LicensingError("Choose a member of this organization.")
    return user


@bp.post("/o/<org>/billing/<key>/seats/assign")
@org_member_required(admin=True)
def assign(key: str):
    def change(session, manifest):
        user = _member_user(session, request.form.get("user_id"))
        assign_seat(session, g.org, key, user, _actor())

    return apply_change(key, change, "A seat of {name} was assigned.")


@bp.post("/o/<org>/billing/<key>/seats/<int:user_id>/release")
@org_member_required(admin=True)
def release(key: str, user_id: int):
    def change(session, manifest):
        user = session.get(User, user_id)
        if user is None:
            raise LicensingError("There is no such user.")
        release_seat(session, g.org, key, user, _actor())

    return apply_change(key, change, "A seat of {name} was released.")

