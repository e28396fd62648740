"""The database: one engine and one scoped session per app, tenant scoping and the settings
for PostgreSQL's row-level security installed."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from sdk.tenancy import TenantSession, install_tenant_scoping

from .tenancy import install_row_security_settings

EXTENSION_KEY = "trialoffice.db"


class Database:
    def __init__(self, url: str):
        self.url = url
        connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
        self.engine: Engine = create_engine(url, connect_args=connect_args)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        install_row_security_settings(self.engine)
        factory = sessionmaker(bind=self.engine, class_=TenantSession, expire_on_commit=False)
        install_tenant_scoping(factory)
        self.session = scoped_session(factory)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION_KEY] = self
        app.teardown_appcontext(self._remove)

    def _remove(self, exc=None) -> None:
        self.session.remove()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def get_db(app: Flask | None = None) -> Database:
    from flask import current_app

    return (app or current_app).extensions[EXTENSION_KEY]


def db_session() -> Session:
    return get_db().session()
