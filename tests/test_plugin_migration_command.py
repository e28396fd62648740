"""``trialoffice plugin migration TOOL -m MESSAGE``: a changed model of a tool becomes a revision
on the tool's branch, with the naming convention and row-level security, which then upgrades;
no change writes nothing, and an unknown tool is a one-line error.

The tools here are packages written to ``tmp_path`` with their own models and migrations folder,
on a database of their own (a fresh SQLite file, or a fresh schema of the PostgreSQL test
database), so their revisions never reach the suite's shared database.
"""
import importlib
import os
import sys
import textwrap
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from host import create_app
from host.cli import cli
from host.db import get_db
from sdk.models import Base
from sdk.tenancy.tables import _tenant_tables_for
from tests.cli_fixtures import assert_one_line_error
from tests.generated_tools import make_tool

INIT = '''
from pathlib import Path
from sdk import Manifest, Plan, hookimpl

manifest = Manifest(key="{key}", name="{key}", summary="A tool whose models change.", version="1.0.0",
                    publisher="Trial Office QA", api_level=2, plans=(Plan(code="basic", name="Basic", amount=100),))


@hookimpl
def migrations_dir():
    return Path(__file__).parent / "migrations" / "versions"
'''

#: The model after the change: ``priority`` is new and ``title`` grew from 100 to 200 characters.
CHANGED_MODELS = '''
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from sdk import Base, TenantMixin


class Item(TenantMixin, Base):
    __tablename__ = "migtool_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    priority: Mapped[int | None] = mapped_column(Integer)
'''

FIRST_REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "migtool_0001"
down_revision = None
branch_labels = ("migtool",)
depends_on = "host_0001"


def upgrade():
    op.create_table(
        "migtool_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("title", sa.String(100), nullable=False),
    )


def downgrade():
    op.drop_table("migtool_item")
'''

NEW_TOOL_MODELS = '''
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sdk import Base, TenantMixin


class Visit(TenantMixin, Base):
    __tablename__ = "migfresh_visit"
    __table_args__ = (UniqueConstraint("org_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
'''


def _write_tool(root, key, models, revisions=()):
    package = root / key
    (package / "migrations" / "versions").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(INIT.format(key=key)))
    (package / "models.py").write_text(textwrap.dedent(models))
    for name, source in revisions:
        (package / "migrations" / "versions" / name).write_text(textwrap.dedent(source))
    return package


@pytest.fixture
def tool_packages(tmp_path, monkeypatch):
    """``load(key, models, revisions)``: a tool package in tmp_path, imported; its models leave the
    shared metadata afterwards, so no other test sees their tables."""
    root = tmp_path / "tools"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    loaded = []

    def load(key, models, revisions=()):
        package = _write_tool(root, key, models, revisions)
        loaded.append(key)
        return importlib.import_module(key), package

    yield load
    for key in loaded:
        for mapper in [m for m in Base.registry.mappers if m.class_.__module__.startswith(key)]:
            Base.registry._dispose_cls(mapper.class_)
            Base.metadata.remove(mapper.local_table)
        for name in [n for n in sys.modules if n == key or n.startswith(key + ".")]:
            del sys.modules[name]
    _tenant_tables_for.cache_clear()  # cached by registry size, which another test may reach again


@pytest.fixture
def own_database(tmp_path):
    """A database URL no other test uses: a SQLite file, or a new schema on the PostgreSQL server."""
    server = os.environ.get("TRIALOFFICE_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    schema = f"migration_test_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(server).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def run(own_database, tmp_path):
    """``run(plugin, *args)``: ``trialoffice ARGS`` with only ``plugin`` loaded, on ``own_database``."""
    apps = []

    def invoke(plugin, *args):
        def factory(config=None):
            app = create_app({"DATABASE_URL": own_database, "SECRET_KEY": "test", "TESTING": True,
                              "STORAGE_DIR": str(tmp_path / "storage"), "LOAD_PLUGINS": [plugin.manifest.key],
                              **(config or {})}, extra_plugins=[plugin])
            apps.append(app)
            return app

        return CliRunner().invoke(cli, list(args), obj=factory, prog_name="trialoffice")

    yield invoke
    for app in apps:
        get_db(app).dispose()


def _columns(url: str, table: str) -> dict:
    engine = create_engine(url)
    try:
        return {c["name"]: c for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_a_changed_model_becomes_a_revision_on_the_tools_branch_that_upgrades(tool_packages, run, own_database):
    tool, package = tool_packages("migtool", CHANGED_MODELS, [("migtool_0001_items.py", FIRST_REVISION)])
    assert_one_line_error(run(tool, "plugin", "migration", "migtool", "-m", "too early"),
                          "not up to date", "trialoffice db upgrade")
    assert run(tool, "db", "upgrade").exit_code == 0
    assert "priority" not in _columns(own_database, "migtool_item")

    result = run(tool, "plugin", "migration", "migtool", "-m", "item priority")
    assert result.exit_code == 0, result.output
    written = package / "migrations" / "versions" / "migtool_0002_item_priority.py"
    assert f"Generated {written}" in result.output and "on branch migtool, after migtool_0001" in result.output
    source = written.read_text()
    assert 'revision = "migtool_0002"' in source or "revision = 'migtool_0002'" in source
    assert "down_revision = 'migtool_0001'" in source and "branch_labels = None" in source
    assert "batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=True))" in source
    assert "type_=sa.String(length=200)" in source  # compare_type: the widened title
    assert "batch_op.drop_column('priority')" in source

    upgraded = run(tool, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    columns = _columns(own_database, "migtool_item")
    assert "priority" in columns and columns["title"]["type"].length == 200
    again = run(tool, "plugin", "migration", "migtool", "-m", "nothing new")
    assert again.exit_code == 0 and "No changes" in again.output
    assert sorted(p.name for p in written.parent.glob("*.py")) == ["migtool_0001_items.py",
                                                                   "migtool_0002_item_priority.py"]


def test_a_new_tools_first_revision_starts_its_branch_with_conventional_names_and_row_security(
        tool_packages, run, own_database):
    tool, package = tool_packages("migfresh", NEW_TOOL_MODELS)
    assert run(tool, "db", "upgrade").exit_code == 0
    result = run(tool, "plugin", "migration", "migfresh", "-m", "visits")
    assert result.exit_code == 0, result.output
    assert "revision migfresh_0001 on branch migfresh, starting the branch" in result.output
    source = (package / "migrations" / "versions" / "migfresh_0001_visits.py").read_text()
    assert "branch_labels = ('migfresh',)" in source and "down_revision = None" in source
    assert "depends_on = 'host_" in source
    assert "op.create_table('migfresh_visit'" in source
    for name in ("pk_migfresh_visit", "uq_migfresh_visit_org_id_code", "fk_migfresh_visit_creator_id_user_account",
                 "ix_migfresh_visit_org_id"):
        assert name in source
    assert "enable_row_level_security(op, 'migfresh_visit')" in source
    assert "disable_row_level_security(op, 'migfresh_visit')" in source
    assert run(tool, "db", "upgrade").exit_code == 0
    assert set(_columns(own_database, "migfresh_visit")) == {"id", "org_id", "code", "creator_id"}


def test_no_change_writes_nothing_and_says_so(invoke):
    result = invoke("plugin", "migration", "testtool", "-m", "nothing")
    assert result.exit_code == 0
    assert result.output.startswith("No changes: the models of testtool match the database")


def test_an_unknown_tool_is_a_one_line_error(invoke):
    assert_one_line_error(invoke("plugin", "migration", "nosuchtool", "-m", "x"),
                          "no tool 'nosuchtool' is installed", "testtool")


def test_a_tool_without_a_migrations_folder_is_told_how_to_add_one(invoke):
    result = invoke("plugin", "migration", "nomig", "-m", "x", plugins=[make_tool("nomig")])
    assert_one_line_error(result, "tool nomig has no migrations folder", "migrations_dir")


def test_help_explains_the_command(invoke):
    result = invoke("plugin", "migration", "--help")
    assert result.exit_code == 0
    for words in ("autogenerate", "migrations_dir", "enable_row_level_security", "trialoffice db upgrade"):
        assert words in result.output
