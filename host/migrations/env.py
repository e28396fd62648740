"""Alembic environment: runs on the connection that :mod:`host.migrate` hands over."""
from alembic import context

import host.models  # noqa: F401  (registers the host's tables on the metadata)
from sdk.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
