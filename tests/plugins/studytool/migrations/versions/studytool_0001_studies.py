"""studytool studies, sites, subjects and notes, shared by study (row-level security with grants)

Revision ID: studytool_0001
Revises:
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from sdk.tenancy import Sharing, disable_row_level_security, enable_row_level_security

revision = "studytool_0001"
down_revision = None
branch_labels = ("studytool",)
depends_on = "host_0009"

STUDY = "studytool.study"


def _tenant_columns():
    return [sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id", ondelete="CASCADE"),
                      nullable=False, index=True)]


def _study_fk():
    return sa.Column("study_id", sa.Integer(), sa.ForeignKey("studytool_study.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table("studytool_study", *_tenant_columns(), sa.Column("title", sa.String(200), nullable=False))
    op.create_table("studytool_site", *_tenant_columns(), _study_fk(), sa.Column("name", sa.String(200), nullable=False))
    op.create_table("studytool_subject", *_tenant_columns(), _study_fk(),
                    sa.Column("site_id", sa.Integer(), sa.ForeignKey("studytool_site.id", ondelete="CASCADE"),
                              nullable=False, index=True),
                    sa.Column("code", sa.String(40), nullable=False))
    op.create_table("studytool_note", *_tenant_columns(), _study_fk(), sa.Column("body", sa.String(500), nullable=False))
    enable_row_level_security(op, "studytool_study", sharing=Sharing(STUDY))
    enable_row_level_security(op, "studytool_site", sharing=Sharing(STUDY, via="study_id", site="id"))
    enable_row_level_security(op, "studytool_subject", sharing=Sharing(STUDY, via="study_id", site="site_id"))
    enable_row_level_security(op, "studytool_note", sharing=Sharing(STUDY, via="study_id"))


def downgrade() -> None:
    tables = ("studytool_note", "studytool_subject", "studytool_site", "studytool_study")
    disable_row_level_security(op, *tables)
    for table in tables:
        op.drop_table(table)
