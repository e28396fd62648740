"""Alembic environment: runs on the connection that :mod:`host.migrate` hands over.

``config.attributes["configure"]`` adds options for one run: the tool-migration generator
(:mod:`host.plugin_migrations`) passes its autogenerate settings this way.
"""
from alembic import context

import host.models  # noqa: F401  (registers the host's tables on the metadata)
from sdk.models import Base

connection = context.config.attributes["connection"]
options = context.config.attributes.get("configure", {})
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, **options)
with context.begin_transaction():
    context.run_migrations()
