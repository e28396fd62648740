"""who created each shortlist and weight preset (theirs to change and delete)

A plain user id, no foreign key: the tool does not depend on the host's table names. Rows made
before this revision have none; only holders of ``manage_all`` change or delete those.

Revision ID: site_select_0003
Revises: site_select_0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "site_select_0003"
down_revision = "site_select_0002"
branch_labels = None
depends_on = None

TABLES = ("site_select_shortlist", "site_select_weight_preset")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("created_by_id", sa.Integer()))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("created_by_id")
