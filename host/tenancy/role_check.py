"""Row-level security holds only for a role that is neither superuser nor BYPASSRLS."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine


def row_security_bypass(engine: Engine) -> str | None:
    """Why the app's database role escapes row-level security, or None when it does not."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        name, superuser, bypass = conn.execute(text(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    powers = [p for p, held in (("SUPERUSER", superuser), ("BYPASSRLS", bypass)) if held]
    if not powers:
        return None
    return (f"the database role {name!r} has {' and '.join(powers)}, so PostgreSQL's row-level "
            "security does not confine it; connect the app as a role without them")
