"""Event deliveries that failed: the error of the last try, and requeueing with a reason.

A delivery that raised waits for its next try (``failing``) until its last one (``dead``); the
relay never gives a dead one another try by itself. Requeueing is audited (see
:mod:`host.events.requeue`).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import and_, or_, select

from ..db import db_session
from ..events.models import OutboxDelivery, OutboxEvent
from ..events.requeue import RequeueError, requeue
from ..models import Organization
from .blueprint import bp, registry
from .paging import paginate

STATES = {
    "failing": and_(OutboxDelivery.status == "pending", OutboxDelivery.attempts > 0),
    "dead": OutboxDelivery.status == "dead",
}

AFTER_REQUEUE = {"done": "it was delivered", "pending": "it is waiting for its next try",
                 "dead": "it failed again", "skipped": "it was skipped (its target no longer qualifies)"}


@bp.get("/events")
def events():
    state = request.args.get("state", "").strip()
    tool = request.args.get("tool", "").strip()
    stmt = (select(OutboxDelivery, OutboxEvent, Organization)
            .join(OutboxEvent, OutboxEvent.id == OutboxDelivery.event_id)
            .join(Organization, Organization.id == OutboxDelivery.org_id)
            .where(STATES[state] if state in STATES else or_(*STATES.values()))
            .order_by(OutboxDelivery.available_at.desc(), OutboxDelivery.id.desc()))
    if tool:
        stmt = stmt.where(OutboxDelivery.tool_key == tool)
    return render_template("admin/events.html", page=paginate(db_session(), stmt), state=state, tool=tool,
                           states=list(STATES), tool_keys=sorted(registry().records))


@bp.post("/events/<int:delivery_id>/requeue")
def requeue_delivery(delivery_id: int):
    session = db_session()
    delivery = session.get(OutboxDelivery, delivery_id)
    if delivery is None:
        abort(404, "There is no such event delivery.")
    try:
        requeue(session, delivery, request.form.get("reason", ""))
    except RequeueError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.events"), 303)
    session.commit()  # wakes the relay: with the inline waker the delivery is tried right now
    session.refresh(delivery)
    flash(f"Delivery #{delivery.id} to {delivery.tool_key} was requeued; {AFTER_REQUEUE[delivery.status]}.",
          "success" if delivery.status == "done" else "info")
    return redirect(url_for("admin.events"), 303)
