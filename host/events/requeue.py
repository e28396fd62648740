"""Platform admins put a failed or dead delivery back in the queue, with a reason; every
requeue is written to the audit trail of the organization the handler runs for."""
from __future__ import annotations

from sdk.models import utcnow

from ..compliance.trail import record_event
from .models import OutboxDelivery
from .outbox import WAKE_FLAG

MAX_REASON_LENGTH = 500


class RequeueError(ValueError):
    """A refused requeue; the message is meant for the admin."""


def failed(delivery: OutboxDelivery) -> bool:
    """Dead, or waiting to retry after at least one failed try."""
    return delivery.status == "dead" or (delivery.status == "pending" and delivery.attempts > 0)


def requeue(session, delivery: OutboxDelivery, reason: str) -> None:
    """Make ``delivery`` due now with a fresh count of tries; the caller commits (which wakes
    the relay). The error of the last try stays on the row until the next try replaces it."""
    reason = (reason or "").strip()
    if not reason:
        raise RequeueError("A reason is required to requeue a delivery.")
    if len(reason) > MAX_REASON_LENGTH:
        raise RequeueError(f"Keep the reason to {MAX_REASON_LENGTH} characters.")
    if not failed(delivery):
        raise RequeueError(f"Only failed or dead deliveries can be requeued; this one is {delivery.status}"
                           f"{' (not tried yet)' if delivery.status == 'pending' else ''}.")
    changes = {"status": [delivery.status, "pending"], "attempts": [delivery.attempts, 0]}
    delivery.status, delivery.attempts, delivery.available_at = "pending", 0, utcnow()
    delivery.claimed_until = delivery.claim_token = delivery.finished_at = None
    record_event(session, org_id=delivery.org_id, tool="host", entity_type="event_delivery",
                 entity_id=str(delivery.id), action="requeue", changes=changes, reason=reason)
    session.info[WAKE_FLAG] = True
