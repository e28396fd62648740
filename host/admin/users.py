"""Users across the platform, and switching a user's sign-in off or on after a confirmation."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from sdk.tables import Column, table_page

from ..db import db_session
from ..models import Membership, User
from .blueprint import PER_PAGE, bp
from .forms import UserActiveForm, UserFilter

ORG_COUNTS = (select(Membership.user_id, func.count().label("orgs")).group_by(Membership.user_id)
              .subquery("org_counts"))
ORG_COUNT = func.coalesce(ORG_COUNTS.c.orgs, 0)

USER_COLUMNS = (
    Column("email", "Email", User.email), Column("name", "Name", User.name, width="14rem"),
    Column("orgs", "Organizations", ORG_COUNT, numeric=True, width="8rem"),
    Column("admin", "Platform admin", User.is_platform_admin, width="8rem"),
    Column("account", "Account", User.active, width="10rem"), Column("joined", "Joined", User.created_at, width="8rem"))


@bp.get("/users")
def users():
    filters = UserFilter(request.args)
    query = filters.value("q")[:100]
    stmt = select(User, ORG_COUNT).outerjoin(ORG_COUNTS, ORG_COUNTS.c.user_id == User.id)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    page = table_page(db_session(), stmt, USER_COLUMNS, default_sort="email", per_page=PER_PAGE,
                      tiebreak=User.id, scalars=False)
    return render_template("admin/users.html", page=page, filters=filters, filtered=bool(query))


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404, "There is no such user.")
    return user


def _confirm_page(user: User, form: UserActiveForm, refused: bool = False, status: int = 200):
    form.confirm.label.text = f"I confirm: {'deactivate' if user.active else 'reactivate'} {user.email}"
    return render_template("admin/user_confirm.html", user=user, form=form, refused=refused), status


@bp.route("/users/<int:user_id>/active", methods=["GET", "POST"])
def toggle_active(user_id: int):
    """GET asks for confirmation; POST with ``confirm`` ticked sets ``active`` (1 or 0), so a
    form sent twice does not flip the flag back."""
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return _confirm_page(user, UserActiveForm(formdata=None), refused=True, status=422)
    if request.method != "POST":
        return _confirm_page(user, UserActiveForm(formdata=None, data={"active": "0" if user.active else "1"}))
    form = UserActiveForm()
    if not form.validate():
        return _confirm_page(user, form, status=422)
    user.active = form.active.data == "1"
    db_session().commit()
    flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"), 303)
