"""Email leaves only after the transaction that caused it commits (:mod:`host.after_commit`):
a rolled-back change (or savepoint) sends nothing, and a failed send is logged, never reaching
the request that caused it."""
from __future__ import annotations

from email.message import EmailMessage
from functools import partial

from sqlalchemy.orm import Session

from ..after_commit import after_commit


def queue_mail(session: Session, mailer, message: EmailMessage) -> None:
    """Send ``message`` with ``mailer`` once the session's current transaction commits."""
    after_commit(session, partial(mailer.send, message), f"email {message['Subject']!r} to {message['To']}")
