"""testtool records and notes

Revision ID: testtool_0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "testtool_0001"
down_revision = None
branch_labels = ("testtool",)
depends_on = "host_0001"


def upgrade() -> None:
    op.create_table(
        "testtool_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.UniqueConstraint("org_id", "title", name="uq_testtool_record_org_id_title"),
    )
    op.create_table(
        "testtool_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("testtool_record.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("body", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("testtool_note")
    op.drop_table("testtool_record")
