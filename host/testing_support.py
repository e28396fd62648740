"""The host's side of the SDK test harness (:class:`sdk.testing.TestingSupport`)."""
from __future__ import annotations

from datetime import timedelta

from flask_login.utils import _create_identifier
from sqlalchemy import MetaData, text, update

from sdk.models import utcnow
from sdk.services import OrgRef, UserRef
from sdk.tenancy import all_organizations, org_scope
from sdk.testing.support import TEST_PASSWORD, TestingSupport

from . import migrate
from .accounts_service import create_organization, create_user
from .auth.tokens import issue_token
from .db import get_db
from .events import deliver_pending
from .events.models import OutboxDelivery
from .models import License, MemberPermission, Membership, OrgTool, User
from .orgctx import org_ref
from .runtime.registry import PluginRegistry
from .runtime.toolstate import ToolStateCache

_RESET_PLANS: dict[str, tuple[list[str], list[str]]] = {}


def _reset_plan(engine) -> tuple[list[str], list[str]]:
    """The migrated tables (reflected, so tools whose models are not imported count too) in
    delete order, and the id sequences; computed once per database."""
    key = engine.url.render_as_string(hide_password=False)
    if key not in _RESET_PLANS:
        reflected = MetaData()
        reflected.reflect(engine)
        skipped = {"alembic_version", *_sqlite_virtual_tables(engine)}
        tables = [t.name for t in reversed(reflected.sorted_tables) if t.name not in skipped]
        sequences = []
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                sequences = list(conn.execute(text(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = current_schema()")).scalars())
        _RESET_PLANS[key] = (tables, sequences)
    return _RESET_PLANS[key]


def _sqlite_virtual_tables(engine) -> set[str]:
    """SQLite's virtual tables (a full-text index) and their shadow tables: a DELETE there would
    corrupt the index, which the triggers of its content table keep in step anyway."""
    if engine.dialect.name != "sqlite":
        return set()
    with engine.connect() as conn:
        virtual = list(conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")).scalars())
        names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    return set(virtual) | {name for name in names for v in virtual if name.startswith(f"{v}_")}


class HostTestingSupport(TestingSupport):
    def __init__(self, app):
        self.app = app

    @property
    def session(self):
        return get_db(self.app).session

    def migrate(self) -> None:
        migrate.upgrade(self.app)
        _RESET_PLANS.clear()  # the schema may have changed (another set of tools)

    def reset(self) -> None:
        """DELETE every row, children first, and restart id sequences (TRUNCATE of many small
        tables costs about ten times more on PostgreSQL)."""
        engine = get_db(self.app).engine
        tables, sequences = _reset_plan(engine)
        with all_organizations(), engine.begin() as conn:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            for sequence in sequences:
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))

    def create_user(self, email, *, password=TEST_PASSWORD, name=None, platform_admin=False) -> UserRef:
        with self.app.app_context():
            user = create_user(self.session, email=email, password=password,
                               name=name or email.split("@")[0].title(), platform_admin=platform_admin)
            self.session.commit()
            return UserRef(user.id, user.email, user.name, user.timezone)

    def create_org(self, slug, *, type="sponsor", owner=None, name=None) -> OrgRef:
        with self.app.app_context():
            if owner is None:
                owner = self.create_user(f"owner@{slug}.example.org")
            org = create_organization(self.session, slug=slug, name=name or slug.title(), type=type,
                                      owner=self.session.get(User, owner.id))
            self.session.commit()
            return org_ref(org)

    def add_member(self, org, user, *, role="member", permissions=None) -> None:
        with self.app.app_context():
            membership = Membership(org_id=org.id, user_id=user.id, role=role)
            self.session.add(membership)
            self.session.flush()
            for tool_key, perms in (permissions or {}).items():
                for perm in perms:
                    self.session.add(MemberPermission(org_id=org.id, membership_id=membership.id,
                                                      tool_key=tool_key, permission=perm))
            self.session.commit()

    def grant_license(self, org, tool_key, *, status="active", plan=None, seats=1, days=30,
                      enable=False) -> None:
        with self.app.app_context(), org_scope(org.id):
            manifest = self.app.extensions["trialoffice.registry"].manifest(tool_key)
            plan_code = plan or (manifest.plans[0].code if manifest and manifest.plans else "test")
            until = utcnow() + timedelta(days=days)
            self.session.add(License(tool_key=tool_key, plan_code=plan_code, status=status, seats=seats,
                                     valid_until=until,
                                     trial_ends_at=until if status == "trialing" else None))
            self.session.commit()
        if enable:
            self.set_enabled(org, tool_key, True)

    def set_enabled(self, org, tool_key, enabled=True) -> None:
        with self.app.app_context(), org_scope(org.id):
            row = self.session.query(OrgTool).filter_by(tool_key=tool_key).one_or_none()
            if row is None:
                self.session.add(OrgTool(tool_key=tool_key, enabled=enabled))
            else:
                row.enabled = enabled
            self.session.commit()

    def login(self, client, user) -> None:
        with self.app.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()  # what "strong" session protection checks
        with client.session_transaction() as sess:
            sess["_user_id"] = self._session_id(user.id)
            sess["_fresh"] = True
            sess["_id"] = identifier

    def _session_id(self, user_id: int) -> str:
        with self.app.app_context():
            return self.session.get(User, user_id).get_id()

    def issue_token(self, org, user) -> str:
        with self.app.app_context():
            _, raw = issue_token(self.session, user_id=user.id, org_id=org.id, name="test")
            self.session.commit()
            return raw

    def deliver_events(self, *, now=None) -> int:
        return deliver_pending(self.app, now=now).claimed

    def redeliver_events(self) -> int:
        deliveries = OutboxDelivery.__table__
        with self.app.app_context(), get_db(self.app).engine.begin() as conn:
            return conn.execute(update(deliveries).where(deliveries.c.status == "done")
                                .values(status="pending", available_at=utcnow(), finished_at=None)).rowcount

    def recycle(self, extra_plugins) -> bool:
        """Lend this app to another test: only if discovery finds the plugins it was built with
        (a test may fake the entry points or change a manifest). The new registry has no failure
        counts, no tool states are cached from the last test's rows, and the database sessions
        and connections are closed."""
        found = PluginRegistry.discover(only=self.app.config["LOAD_PLUGINS"], extra=extra_plugins)
        if _plugins_of(found) != _plugins_of(self.app.extensions["trialoffice.registry"]):
            return False
        self.app.extensions["trialoffice.registry"] = found
        self.app.extensions["trialoffice.tool_states"] = ToolStateCache()
        get_db(self.app).dispose()
        return True


def _plugins_of(registry: PluginRegistry) -> dict:
    return {key: (record.origin, record.reason, record.plugin, record.manifest)
            for key, record in registry.records.items()}
