"""Trial history gathered from the organization's own edc and pmcp use, through domain events.

The events and their payloads are declared in ``sdk.events``. ``site_ref`` is the site's id in
this organization's site master (site_select hands it to pmcp in
``site_select.activation_requested``); an event naming an unknown site or trial is logged and
ignored, because the emitter must never fail on our account. Trial details (phase, condition,
therapeutic area, target) come from the shortlist that was handed off for the trial, if any.

The counters are idempotent: the host applies an event once per event id (these changes commit
with the event's processed mark, in one transaction, so a re-delivered event changes nothing),
and deliveries for the same site and trial running at once line up on the history row's lock
(``FOR UPDATE`` on PostgreSQL; SQLite has a single writer), so no increment is lost. The row is
re-read from the database under that lock, never taken from a session's stale identity map. Two
deliveries creating the same new row at once: one fails on the unique key and is retried.
"""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from sdk import tool
from sdk.events import DomainEvent

from ..models import Shortlist, Site, TrialHistory

log = logging.getLogger(__name__)

MILESTONE_DATES = {
    "site_selected": "selected_on",
    "site_activated": "activated_on",
    "first_subject_in": "first_subject_in",
    "last_subject_in": "last_subject_in",
}


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _history_row(session, event: DomainEvent) -> TrialHistory | None:
    """The history row of the event's site and trial, created (source "event") when missing."""
    payload = event.payload
    trial_ref = str(payload.get("trial_ref") or "").strip()[:64]
    site_ref = str(payload.get("site_ref") or "").strip()
    if not trial_ref or not site_ref.isdigit():
        log.info("site_select ignores %s without a site or trial reference", event.name)
        return None
    site_id = session.scalar(select(Site.id).where(Site.id == int(site_ref)))
    if site_id is None:
        log.info("site_select ignores %s for unknown site %s", event.name, site_ref)
        return None
    row = session.scalar(select(TrialHistory).where(TrialHistory.site_id == site_id,
                                                    TrialHistory.trial_ref == trial_ref)
                         .with_for_update().execution_options(populate_existing=True))
    if row is None:
        row = TrialHistory(site_id=site_id, trial_ref=trial_ref, source="event", screened=0,
                           enrolled=0, deviations=0, **_trial_details(session, trial_ref))
        session.add(row)
    return row


def _trial_details(session, trial_ref: str) -> dict:
    spec = session.scalar(select(Shortlist.spec).where(Shortlist.trial_ref == trial_ref)
                          .order_by(Shortlist.id.desc()).limit(1)) or {}
    return {"phase": str(spec.get("phase") or "")[:16],
            "condition": str(spec.get("condition") or "")[:200],
            "therapeutic_area": str(spec.get("therapeutic_area") or "")[:100],
            "trial_title": str(spec.get("title") or "")[:300]}


def _apply(event: DomainEvent, change) -> None:
    """Run ``change(row, payload)`` on the event's history row, in the organization the host
    delivers the event to (the host commits; a handler only flushes)."""
    session = tool().db_session()
    row = _history_row(session, event)
    if row is None:
        return
    change(row, event.payload)
    session.flush()


def _count(attribute: str, date_key: str, first_date: str | None = None):
    def change(row: TrialHistory, payload: dict) -> None:
        setattr(row, attribute, (getattr(row, attribute) or 0) + 1)
        when = _parse_date(payload.get(date_key))
        if first_date and when and (getattr(row, first_date) is None or when < getattr(row, first_date)):
            setattr(row, first_date, when)
        if attribute == "enrolled" and when and (row.last_subject_in is None or when > row.last_subject_in):
            row.last_subject_in = when
    return change


def _form_completed(row: TrialHistory, payload: dict) -> None:
    try:
        points, queries = int(payload.get("data_points") or 0), int(payload.get("queries") or 0)
    except (TypeError, ValueError):
        return
    row.data_points = (row.data_points or 0) + max(points, 0)
    row.queries = (row.queries or 0) + max(queries, 0)
    if row.data_points:
        row.queries_per_100 = round(100.0 * row.queries / row.data_points, 3)


def _milestone_completed(row: TrialHistory, payload: dict) -> None:
    milestone = str(payload.get("milestone") or "")
    if milestone == "protocol_deviation":
        row.deviations = (row.deviations or 0) + 1
        return
    column = MILESTONE_DATES.get(milestone)
    when = _parse_date(payload.get("completed_on"))
    if column and when:
        setattr(row, column, when)


def _handler(change):
    def handle(event: DomainEvent) -> None:
        _apply(event, change)
    return handle


def _site_milestone(event: DomainEvent) -> None:
    if str(event.payload.get("site_ref") or "").strip():
        _apply(event, _milestone_completed)


HANDLERS = {
    "edc.subject_screened": _handler(_count("screened", "screened_on")),
    "edc.subject_enrolled": _handler(_count("enrolled", "enrolled_on", first_date="first_subject_in")),
    "edc.form_completed": _handler(_form_completed),
    "pmcp.milestone_completed": _site_milestone,
}
