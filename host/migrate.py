"""Alembic, driven from code: the host's branch plus one branch per installed tool.

Each tool's revisions carry ``branch_labels = ("<key>",)`` and depend on the host's base
revision; ``upgrade()`` applies every head.
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from flask import Flask

from sdk.tenancy import all_organizations

from .db import get_db
from .runtime.dispatch import call_available

MIGRATIONS = Path(__file__).parent / "migrations"


class MigrationsUnavailable(ValueError):
    """A tool's ``migrations_dir`` hook failed: upgrading without its branch would leave the
    database short of that tool's tables while reporting success."""


def alembic_config(app: Flask, *, strict: bool = False) -> Config:
    """Alembic's configuration for the host's branch and each available tool's branch.

    A tool whose ``migrations_dir`` hook fails is left out (reading the schema's state still
    works), unless ``strict``: then :class:`MigrationsUnavailable` names the tool.
    """
    registry = app.extensions["trialoffice.registry"]
    locations = [str(MIGRATIONS / "versions")]
    results = call_available(registry, "migrations_dir")
    failed = [f"tool {result.key}'s migrations_dir hook failed ({result.error})"
              for result in results if not result.ok]
    if strict and failed:
        raise MigrationsUnavailable("; ".join(failed) + "; nothing was upgraded")
    for result in results:
        if result.ok and result.value:
            locations.append(str(result.value))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def upgrade(app: Flask, target: str = "heads") -> set[str]:
    """Apply the migrations up to ``target`` and return the heads that were pending.

    Refuses before any change when a tool's migrations cannot be found, so a partial upgrade
    never passes for a complete one.
    """
    config = alembic_config(app, strict=True)
    # Data migrations work across organizations: row-level security lets them, and only them.
    with all_organizations(), get_db(app).engine.begin() as connection:
        pending = _pending(config, connection)
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return pending


def pending_heads(app: Flask) -> set[str]:
    """Heads of the scripts that the database has not reached yet."""
    config = alembic_config(app)
    with get_db(app).engine.connect() as connection:
        return _pending(config, connection)


def _pending(config: Config, connection) -> set[str]:
    """The heads not reached: neither stored nor below a stored one. A tool's first migration
    that depends on the host's newest revision makes Alembic keep only the tool's revision in
    the version table, the host's then being one of its ancestors."""
    script = ScriptDirectory.from_config(config)
    current = tuple(head for head in MigrationContext.configure(connection).get_current_heads()
                    if _known(script, head))  # a tool this process does not load has its own heads
    reached = {rev.revision for rev in script.iterate_revisions(current, "base")} if current else set()
    return set(script.get_heads()) - reached


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.revision_map.get_revision(revision) is not None
    except ResolutionError:
        return False
