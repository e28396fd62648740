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
from flask import Flask

from .db import get_db
from .runtime.dispatch import call_available

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(app: Flask) -> Config:
    registry = app.extensions["trialoffice.registry"]
    locations = [str(MIGRATIONS / "versions")]
    for result in call_available(registry, "migrations_dir"):
        if result.ok and result.value:
            locations.append(str(result.value))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def upgrade(app: Flask, target: str = "heads") -> None:
    config = alembic_config(app)
    with get_db(app).engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def pending_heads(app: Flask) -> set[str]:
    """Heads of the scripts that the database has not reached yet."""
    script = ScriptDirectory.from_config(alembic_config(app))
    with get_db(app).engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return set(script.get_heads()) - current
