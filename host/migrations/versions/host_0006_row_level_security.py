"""row-level security on the host's tenant tables (PostgreSQL; nothing on SQLite)

Revision ID: host_0006
Revises: host_0005
Create Date: 2026-11-30
"""
from alembic import op

from sdk.tenancy import disable_row_level_security, enable_row_level_security

revision = "host_0006"
down_revision = "host_0005"
branch_labels = None
depends_on = None

TENANT_TABLES = ("license", "org_tool", "tool_setting", "signature", "billing_customer",
                 "subscription", "invoice", "seat_assignment")


def upgrade() -> None:
    enable_row_level_security(op, *TENANT_TABLES)


def downgrade() -> None:
    disable_row_level_security(op, *TENANT_TABLES)
