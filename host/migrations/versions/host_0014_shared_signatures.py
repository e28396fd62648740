"""signature: signer's organization and the signed record's sharing coordinates; grantees see
the signatures of the records their grants cover

A signature stays its record owner's (``org_id``) whoever signs. ``signer_org_id`` says where the
signer signed from; ``shared_record_type``, ``shared_record_id``, ``shared_site_id`` and
``shared_has_site`` copy the record's ``__sharing__`` coordinates, and the row-level security
policy shows the row to every organization holding an active grant that covers them (adding a
row needs the same; changing or deleting one is the owner's alone).

Revision ID: host_0014
Revises: host_0013
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from sdk.tenancy import RowSharing, enable_row_level_security

revision = "host_0014"
down_revision = "host_0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signer_org_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shared_record_type", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("shared_record_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shared_site_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shared_has_site", sa.Boolean(), nullable=True))
    enable_row_level_security(op, "signature", sharing=RowSharing())


def downgrade() -> None:
    enable_row_level_security(op, "signature")  # back to the organization's own rows only
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_column("shared_has_site")
        batch_op.drop_column("shared_site_id")
        batch_op.drop_column("shared_record_id")
        batch_op.drop_column("shared_record_type")
        batch_op.drop_column("signer_org_id")
