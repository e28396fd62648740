"""Users across the platform, and switching a user's sign-in off or on after a confirmation."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..db import db_session
from ..models import Membership, User
from .blueprint import bp
from .paging import paginate


@bp.get("/users")
def users():
    query = request.args.get("q", "").strip()[:100]
    orgs = select(Membership.user_id, func.count().label("orgs")).group_by(Membership.user_id).subquery()
    stmt = (select(User, func.coalesce(orgs.c.orgs, 0))
            .outerjoin(orgs, orgs.c.user_id == User.id).order_by(User.email))
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    return render_template("admin/users.html", page=paginate(db_session(), stmt), query=query)


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404, "There is no such user.")
    return user


@bp.route("/users/<int:user_id>/active", methods=["GET", "POST"])
def toggle_active(user_id: int):
    """GET asks for confirmation; POST with ``confirm=yes`` sets ``active`` (1 or 0), so a form
    sent twice does not flip the flag back."""
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return render_template("admin/user_confirm.html", user=user, refused=True), 422
    if request.method != "POST":
        return render_template("admin/user_confirm.html", user=user, refused=False)
    target = request.form.get("active")
    if request.form.get("confirm") != "yes" or target not in ("0", "1"):
        flash("Tick the confirmation to continue; nothing was changed.", "error")
        return render_template("admin/user_confirm.html", user=user, refused=False), 400
    user.active = target == "1"
    db_session().commit()
    flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"), 303)
