"""Email leaves only after the transaction that caused it commits.

Messages wait in the session's ``info``, each tagged with the transaction (or savepoint) that
queued it. A commit sends them; a rollback drops those of the rolled-back transaction and its
savepoints. A failed send is logged and never reaches the request that caused it.
"""
from __future__ import annotations

import logging
from email.message import EmailMessage

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)

_QUEUE = "trialoffice.mail_queue"


def queue_mail(session: Session, mailer, message: EmailMessage) -> None:
    """Send ``message`` with ``mailer`` once the session's current transaction commits."""
    if isinstance(session, scoped_session):
        session = session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_QUEUE, []).append((transaction, mailer, message))


def queued_mail(session: Session) -> list[EmailMessage]:
    return [message for _, _, message in session.info.get(_QUEUE, [])]


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _send_queued(session: Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint was released, not the transaction
        return
    for _, mailer, message in session.info.pop(_QUEUE, []):
        try:
            mailer.send(message)
        except Exception:  # a mail server's trouble must never fail the committed change
            log.exception("email %r to %s could not be sent", message["Subject"], message["To"])


def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    queue = session.info.get(_QUEUE)
    if not queue:
        return
    if previous_transaction.parent is None:
        session.info.pop(_QUEUE, None)
        return
    session.info[_QUEUE] = [item for item in queue if not _within(item[0], previous_transaction)]


def install_mail_on_commit(session_factory) -> None:
    event.listen(session_factory, "after_commit", _send_queued)
    event.listen(session_factory, "after_soft_rollback", _drop_rolled_back)
