"""Work that must wait until the transaction that asked for it commits: emails, queued jobs.

Sending an email or queueing a job earlier could announce a change that then rolls back, or run a
job before its row is visible. Each action waits in the session's ``info``, tagged with the
transaction (or savepoint) that was open when it was asked for: a commit of the outer
transaction runs them in order, a rollback drops those of the rolled-back transaction and of its
savepoints. An action that fails is logged and never fails the change that is already committed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)

_PENDING = "trialoffice.after_commit"


def after_commit(session: Session, action: Callable[[], None], what: str) -> None:
    """Run ``action()`` once the session's current transaction commits; ``what`` names it in logs."""
    if isinstance(session, scoped_session):
        session = session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((transaction, action, what))


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _run_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint was released, not the transaction
        return
    for _, action, what in session.info.pop(_PENDING, []):
        try:
            action()
        except Exception:
            log.exception("%s failed after its transaction committed", what)


def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [item for item in pending if not _within(item[0], previous_transaction)]


def install_after_commit(session_factory) -> None:
    """Once per session factory (the app factory does it)."""
    if vars(session_factory).get("_trialoffice_after_commit"):
        return
    event.listen(session_factory, "after_commit", _run_committed)
    event.listen(session_factory, "after_soft_rollback", _drop_rolled_back)
    session_factory._trialoffice_after_commit = True
