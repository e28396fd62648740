"""Tell PostgreSQL, per transaction, which organization the statements run as.

Row-level security (:mod:`sdk.tenancy.row_security`) reads two transaction-local settings. They
are set right before the first statement of each transaction, and again whenever the scope
changes inside one (an ``all_organizations()`` block within a request), on the same connection,
for every statement the engine runs: ORM, Core, raw ``text()`` and ``engine.connect()`` alike.
Transaction-local (``set_config(..., true)``) means nothing leaks to the next user of a pooled
connection; the cache of what was set is dropped at every transaction boundary.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

from sdk.tenancy import current_org_id, sees_all_organizations
from sdk.tenancy.row_security import ALL_ORGS_SETTING, ORG_SETTING

_APPLIED = "trialoffice.row_security_settings"
_CONTROL = ("SAVEPOINT", "ROLLBACK ", "RELEASE S")
_SET = f"SELECT set_config('{ALL_ORGS_SETTING}', %s, true), set_config('{ORG_SETTING}', %s, true)"


def install_row_security_settings(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "before_cursor_execute", _apply_settings)
    for boundary in ("begin", "commit", "rollback", "rollback_savepoint"):
        event.listen(engine, boundary, _forget_settings)


def _apply_settings(conn, cursor, statement, parameters, context, executemany) -> None:
    if statement.lstrip()[:9].upper() in _CONTROL:
        # ROLLBACK TO SAVEPOINT must run first in a transaction that a failed statement aborted;
        # the settings follow with the next real statement (the rollback dropped the cache).
        return
    wanted = ("on" if sees_all_organizations() else "off", str(current_org_id() or ""))
    if conn.info.get(_APPLIED) == wanted:
        return
    with conn.connection.dbapi_connection.cursor() as settings_cursor:
        settings_cursor.execute(_SET, wanted)
    conn.info[_APPLIED] = wanted


def _forget_settings(conn, *args) -> None:
    conn.info.pop(_APPLIED, None)
