"""The notification centre (list, mark read) and the per-kind email choices of the account.

Reading is not audited; marking read and changing a choice are (both tables are ``@audited``).
Another person's notification is a 404, as if it did not exist.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sdk.notifications import NOTIFICATION_KINDS
from sdk.tables import Column, table_page

from ..db import db_session
from .forms import EmailChoicesForm
from .models import Notification
from .service import (
    email_choices,
    mark_all_read,
    mark_read,
    notification_of,
    notifications_query,
    set_email_choices,
)

bp = Blueprint("notifications", __name__)
PAGE_SIZE = 50
COLUMNS = (Column("received", "Received", Notification.created_at),)


@bp.get("/notifications")
@login_required
def index():
    page = table_page(db_session(), notifications_query(current_user.id), COLUMNS, default_sort="-received",
                      per_page=PAGE_SIZE, tiebreak=Notification.id.desc(), scalars=False)
    return render_template("notifications/index.html", page=page)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    """Mark one read; with ``open`` in the form, go on to the page it links to."""
    session = db_session()
    notification = notification_of(session, current_user.id, notification_id)
    if notification is None:
        abort(404, "There is no such notification.")
    mark_read(notification)
    session.commit()
    if request.form.get("open") and notification.link:
        return redirect(notification.link, 303)
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/read-all")
@login_required
def read_all():
    session = db_session()
    count = mark_all_read(session, current_user.id)
    session.commit()
    flash(f"{count} notification(s) marked as read." if count else "Nothing was unread.", "success")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    session = db_session()
    choices = email_choices(session, current_user.id)
    form = EmailChoicesForm.for_choices(choices, request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate():
            set_email_choices(session, current_user.id, set(form.email.data or ()))
            session.commit()
            flash("Your email choices are saved.", "success")
            return redirect(url_for("notifications.preferences"), 303)
    status = 422 if form.errors else 200
    return render_template("notifications/preferences.html", kinds=NOTIFICATION_KINDS, form=form), status
