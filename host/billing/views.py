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

from sdk.forms import InputProblems
from sdk.numbers import row_id

from ..db import db_session
from ..licensing import LicensingError
from ..members.roles import members_of
from ..models import Membership, User
from ..orgctx import org_member_required
from . import purchase_views  # noqa: F401  (registers the purchase routes on bp)
from .blueprint import bp, manifest_or_404
from .errors import BillingProblems
from .forms import AssignSeatForm, CancelForm, ReleaseForm, SeatsForm
from .overview import billing_overview
from .purchases import cancel, change_seats, open_subscription
from .seats import assign_seat, release_seat

__all__ = ["bp"]


def render_billing_page(status: int = 200, failed=None, failed_key: str | None = None):
    """The page; ``failed`` is the form (of tool ``failed_key``) just refused, shown with its values
    and every problem beside its field and in the summary at the top."""
    session = db_session()
    is_admin = g.membership.is_admin
    members = members_of(session, g.org.id) if is_admin else []
    overview = billing_overview(session, g.org)
    seat_forms, assign_forms = {}, {}
    for item in overview.tools:
        if item.per_seat:
            seat_forms[item.key] = SeatsForm.for_tool(item.key, formdata=None, data={"seats": item.subscription.seats})
            holder_ids = [user.id for user in item.seat_holders]
            assign_forms[item.key] = AssignSeatForm.for_tool(item.key, members, holder_ids, formdata=None)
    if isinstance(failed, SeatsForm) and failed_key in seat_forms:
        seat_forms[failed_key] = failed
    elif isinstance(failed, AssignSeatForm) and failed_key in assign_forms:
        failed.user_id.choices = assign_forms[failed_key].user_id.choices
        assign_forms[failed_key] = failed
    return render_template("billing/index.html", overview=overview, can_manage=is_admin, members=members,
                           seat_forms=seat_forms, assign_forms=assign_forms, failed=failed), status


def apply_change(key: str, form, change, done: str):
    """Run ``change(session, manifest)``, commit and go back to the page, or show ``form`` again
    with every reason beside its field (nothing is saved)."""
    manifest = manifest_or_404(key)
    session = db_session()
    if not form.validate_on_submit():
        return render_billing_page(422, form, key)
    try:
        change(session, manifest)
        session.commit()
    except InputProblems as problems:
        session.rollback()
        form.absorb(problems)
        return render_billing_page(422, form, key)
    except LicensingError as exc:
        session.rollback()
        form.form_errors.append(str(exc))
        return render_billing_page(422, form, key)
    except IntegrityError:
        session.rollback()
        form.form_errors.append(f"{manifest.name} was changed by someone else at the same time. Try again.")
        return render_billing_page(409, form, key)
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
    form = SeatsForm.for_tool(key)

    def change(session, manifest):
        change_seats(session, g.org, key, form.seats.data, _actor())

    return apply_change(key, form, change, "The seats of {name} were changed.")


@bp.route("/o/<org>/billing/<key>/cancel", methods=["GET", "POST"])
@org_member_required(admin=True)
def cancel_subscription(key: str):
    """GET asks for confirmation; POST with the box ticked cancels at the end of the period."""
    manifest = manifest_or_404(key)
    session = db_session()
    if open_subscription(session, g.org, key) is None:
        flash(f"{g.org.name} has no open subscription for {manifest.name}.", "error")
        return render_billing_page(409)
    form = CancelForm()
    item = billing_overview(session, g.org).tool(key)
    form.confirm.label.text = f"I confirm: cancel the {item.subscription.plan_name} plan of {manifest.name}"
    if request.method != "POST":
        return render_template("billing/cancel.html", manifest=manifest, item=item, form=form)
    if form.validate_on_submit() and not form.confirm.data:
        form.confirm.errors.append("Tick the confirmation to cancel; nothing was changed.")
    if form.errors:
        return render_template("billing/cancel.html", manifest=manifest, item=item, form=form), 422
    try:
        cancel(session, g.org, key, _actor(), at_period_end=True)
        session.commit()
    except LicensingError as exc:
        session.rollback()
        form.form_errors.append(str(exc))
        return render_template("billing/cancel.html", manifest=manifest, item=item, form=form), 422
    flash(f"{manifest.name} is cancelled: it stays available until the end of the period already paid for, "
          "and will not be charged again.", "success")
    return redirect(url_for("billing.index"), 303)


def _member_user(session, raw_user_id) -> User:
    """A member of the current organization by user id (anyone else is refused, never looked up)."""
    user_id = row_id(raw_user_id or "")
    user = None
    if user_id is not None:
        user = session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                              .where(Membership.org_id == g.org.id, User.id == user_id))
    if user is None:
        raise BillingProblems.of("user_id", "Choose a member of this organization.")
    return user


@bp.post("/o/<org>/billing/<key>/seats/assign")
@org_member_required(admin=True)
def assign(key: str):
    form = AssignSeatForm.for_tool(key, [], [])

    def change(session, manifest):
        user = _member_user(session, form.user_id.data)
        assign_seat(session, g.org, key, user, _actor())

    return apply_change(key, form, change, "A seat of {name} was assigned.")


@bp.post("/o/<org>/billing/<key>/seats/<int:user_id>/release")
@org_member_required(admin=True)
def release(key: str, user_id: int):
    """A one-button form (its CSRF token only): its refusals go to the summary at the top."""
    form = ReleaseForm()

    def change(session, manifest):
        user = session.get(User, user_id)
        if user is None:
            raise LicensingError("There is no such user.")
        release_seat(session, g.org, key, user, _actor())

    return apply_change(key, form, change, "A seat of {name} was released.")
