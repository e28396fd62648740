"""Event deliveries that failed: the error of the last try, and requeueing with a reason.

A delivery that raised waits for its next try (``failing``) until its last one (``dead``); the
relay never gives a dead one another try by itself. Requeueing is audited (see
:mod:`host.events.requeue`).
"""
from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import and_, or_, select

from sdk.tables import Column, table_page

from ..db import db_session
from ..events.models import OutboxDelivery, OutboxEvent
from ..events.requeue import RequeueError, requeue
from ..models import Organization
from .blueprint import PER_PAGE, bp
from .forms import EventFilter, RequeueForm, choices, tool_choices

STATES = {
    "failing": and_(OutboxDelivery.status == "pending", OutboxDelivery.attempts > 0),
    "dead": OutboxDelivery.status == "dead",
}

AFTER_REQUEUE = {"done": "it was delivered", "pending": "it is waiting for its next try",
                 "dead": "it failed again", "skipped": "it was skipped (its target no longer qualifies)"}

EVENT_COLUMNS = (
    Column("event", "Event", OutboxEvent.name, width="16rem"), Column("handler", "Handler", OutboxDelivery.tool_key,
                                                                      width="7rem"),
    Column("org", "Organization", Organization.name, width="10rem"),
    Column("state", "State", OutboxDelivery.status, width="6rem"),
    Column("tries", "Tries", OutboxDelivery.attempts, numeric=True, width="4rem"),
    Column("next_try", "Next try", OutboxDelivery.available_at, width="9rem"), Column("error", "Last error"),
    Column("requeue", "Requeue", width="14rem"))


def _render_events(failed: tuple[int, RequeueForm] | None = None, status: int = 200):
    filters = EventFilter(request.args)
    filters.state.choices = choices(STATES, "Failing and dead", str.capitalize)
    filters.tool.choices = tool_choices()
    state, tool = filters.value("state"), filters.value("tool")
    stmt = (select(OutboxDelivery, OutboxEvent, Organization)
            .join(OutboxEvent, OutboxEvent.id == OutboxDelivery.event_id)
            .join(Organization, Organization.id == OutboxDelivery.org_id)
            .where(STATES[state] if state else or_(*STATES.values())))
    if tool:
        stmt = stmt.where(OutboxDelivery.tool_key == tool)
    page = table_page(db_session(), stmt, EVENT_COLUMNS, default_sort="-next_try", per_page=PER_PAGE,
                      tiebreak=OutboxDelivery.id.desc(), scalars=False)
    page = replace(page, endpoint="admin.events", args={k: v for k, v in page.args.items() if k != "delivery_id"})

    def requeue_form(delivery_id: int) -> RequeueForm:
        if failed and failed[0] == delivery_id:
            return failed[1]
        return RequeueForm(formdata=None, id_prefix=f"requeue-{delivery_id}-")

    return render_template("admin/events.html", page=page, filters=filters, filtered=bool(state or tool),
                           requeue_form=requeue_form), status


@bp.get("/events")
def events():
    return _render_events()


@bp.post("/events/<int:delivery_id>/requeue")
def requeue_delivery(delivery_id: int):
    session = db_session()
    delivery = session.get(OutboxDelivery, delivery_id)
    if delivery is None:
        abort(404, "There is no such event delivery.")
    form = RequeueForm(id_prefix=f"requeue-{delivery_id}-")
    if not form.validate_on_submit():
        return _render_events((delivery_id, form), 422)
    back = url_for("admin.events", **request.args)  # the page, sort and filters the form was sent from
    try:
        requeue(session, delivery, form.reason.data)
    except RequeueError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(back, 303)
    session.commit()  # wakes the relay: with the inline waker the delivery is tried right now
    session.refresh(delivery)
    flash(f"Delivery #{delivery.id} to {delivery.tool_key} was requeued; {AFTER_REQUEUE[delivery.status]}.",
          "success" if delivery.status == "done" else "info")
    return redirect(back, 303)
