"""``trialoffice plugin migration TOOL -m MESSAGE``: a tool's next Alembic revision, generated
from its models against the current database.

Alembic's autogenerate compares ``sdk.Base.metadata`` (with its naming convention, so every
index and constraint gets its conventional name) with the database, column types included, but
only for the tool's own tables: those mapped by classes of the tool's package, plus unmapped
tables named ``<key>_...``. The revision goes to the folder of the tool's ``migrations_dir``
hook, after its branch's head (the first one starts the branch labelled with the tool's key and
depends on the host's newest revision). A new table with ``org_id`` gets
``enable_row_level_security`` (with the model's ``__sharing__``) so no tenant table is left
without its database wall. Tables of the tool found only in the database are never dropped:
they are named in a note, for the author to drop by hand.
"""
from __future__ import annotations

import importlib
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.autogenerate import renderers
from alembic.operations import MigrateOperation
from alembic.operations.ops import CreateTableOp
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from sdk.models import Base
from sdk.tenancy import all_organizations

from . import migrate
from .db import get_db
from .runtime.dispatch import call_each


class MigrationError(ValueError):
    """The revision cannot be generated; the message says what to do."""


@dataclass
class Generated:
    """What the command did: the new file (None when the models match the database) and notes."""

    path: Path | None = None
    revision: str | None = None
    down_revision: str | None = None
    notes: list[str] = field(default_factory=list)


class RowLevelSecurityOp(MigrateOperation):
    """``enable_row_level_security`` (or ``disable_``) for new tenant tables, as rendered code."""

    def __init__(self, table: str, sharing=None, enable: bool = True):
        self.table, self.sharing, self.enable = table, sharing, enable


@renderers.dispatch_for(RowLevelSecurityOp)
def _render_row_level_security(autogen_context, op: RowLevelSecurityOp) -> str:
    verb = "enable" if op.enable else "disable"
    autogen_context.imports.add(f"from sdk.tenancy import {verb}_row_level_security")
    if op.enable and op.sharing is not None:
        autogen_context.imports.add("from sdk.tenancy import Sharing")
        return f"enable_row_level_security(op, {op.table!r}, sharing={op.sharing!r})"
    return f"{verb}_row_level_security(op, {op.table!r})"


def generate(app, key: str, message: str) -> Generated:
    """Write the tool's next revision, or nothing when its models match the database."""
    registry = app.extensions["trialoffice.registry"]
    record = registry.get(key)
    if record is None:
        installed = ", ".join(sorted(registry.records)) or "none"
        raise MigrationError(f"no tool {key!r} is installed (installed: {installed})")
    if not record.available:
        raise MigrationError(f"tool {key} is unavailable: {record.reason}")
    folder = _versions_folder(registry, key)
    own = _own_tables(record.plugin, key)
    if not own:
        raise MigrationError(f"tool {key} has no models on sdk.Base (looked in {record.plugin.__name__} "
                             "and its models module)")
    config = migrate.alembic_config(app, strict=True)
    script = ScriptDirectory.from_config(config)
    mine = [r for r in script.walk_revisions() if Path(r.path).resolve().parent == folder]
    result = Generated(revision=_next_id(key, [r.revision for r in mine]))
    config.attributes["configure"] = {
        "compare_type": True, "include_object": _include(own, key, result.notes),
        "process_revision_directives": _finish(result)}
    options = ({"head": f"{key}@head"} if mine else
               {"head": "base", "branch_label": key, "depends_on": _host_head(script)})
    try:
        with all_organizations(), get_db(app).engine.begin() as connection:
            config.attributes["connection"] = connection
            script_written = command.revision(config, message=message, autogenerate=True, rev_id=result.revision,
                                              version_path=str(folder), **options)
    except CommandError as exc:
        if "not up to date" in str(exc):
            raise MigrationError("the database is not up to date: run 'trialoffice db upgrade' first, "
                                 "so only the models' changes end up in the revision") from None
        raise MigrationError(str(exc)) from None
    if script_written:
        result.path = Path(script_written.path)
        result.down_revision = script_written.down_revision
    else:
        result.revision = None
    return result


def _versions_folder(registry, key: str) -> Path:
    results = call_each(registry, "migrations_dir", [key])
    if not results or not results[0].ok or not results[0].value:
        problem = results[0].error if results and not results[0].ok else "it has no migrations_dir hook"
        raise MigrationError(f"tool {key} has no migrations folder ({problem}); implement migrations_dir "
                             "returning its migrations/versions folder (docs/sdk/migrations.md)")
    folder = Path(results[0].value).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _own_tables(plugin, key: str) -> set[str]:
    """Tables mapped by the tool's package (its ``models`` module imported first), and unmapped
    tables named after it (association tables)."""
    package = plugin.__name__
    if hasattr(plugin, "__path__") and importlib.util.find_spec(f"{package}.models") is not None:
        importlib.import_module(f"{package}.models")
    mapped = {m.local_table.name: m.class_.__module__ for m in Base.registry.mappers}
    own = {name for name, module in mapped.items() if module == package or module.startswith(package + ".")}
    own |= {name for name in Base.metadata.tables if name not in mapped and name.startswith(key + "_")}
    return own


def _include(own: set[str], key: str, notes: list[str]):
    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            if reflected and compare_to is None and name.startswith(key + "_"):
                notes.append(f"table {name} is in the database but no model of {key} declares it; "
                             "drop it in a revision by hand if the model was removed on purpose")
                return False
            return name in own
        table = getattr(obj, "table", None)
        return table is None or table.name in own

    return include_object


def _finish(result: Generated):
    """Write nothing when there is no change; add row-level security to new tenant tables."""

    def process_revision_directives(context, revision, directives):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            return
        for op in list(script.upgrade_ops.ops):
            if isinstance(op, CreateTableOp) and any(getattr(c, "name", None) == "org_id" for c in op.columns):
                sharing = getattr(_model_of(op.table_name), "__sharing__", None)
                script.upgrade_ops.ops.append(RowLevelSecurityOp(op.table_name, sharing))
                script.downgrade_ops.ops.insert(0, RowLevelSecurityOp(op.table_name, enable=False))

    return process_revision_directives


def _model_of(table_name: str):
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_
    return None


def _host_head(script: ScriptDirectory) -> str:
    host_folder = (migrate.MIGRATIONS / "versions").resolve()
    heads = [h for h in script.get_heads() if Path(script.get_revision(h).path).resolve().parent == host_folder]
    return heads[0]


def _next_id(key: str, existing: list[str]) -> str:
    numbers = [int(m.group(1)) for r in existing if (m := re.fullmatch(rf"{re.escape(key)}_(\d+)", r))]
    return f"{key}_{max(numbers, default=len(existing)) + 1:04d}"
