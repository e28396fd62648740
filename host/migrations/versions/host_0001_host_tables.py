"""host tables

Revision ID: host_0001
Revises: 
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

import sdk.models

revision = 'host_0001'
down_revision = None
branch_labels = ('host',)
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_email'), ['email'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('tools_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('slug', name=op.f('uq_organization_slug'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_platform_admin', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sdk.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sdk.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_api_token_org_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sdk.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sdk.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'], name=op.f('fk_invitation_invited_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_invitation_org_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_org_id'), ['org_id'], unique=False)

    op.create_table('license',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_key', sa.String(length=32), nullable=False),
    sa.Column('plan_code', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('trial_ends_at', sdk.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sdk.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_license_org_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_license')),
    sa.UniqueConstraint('org_id', 'tool_key', name=op.f('uq_license_org_id_tool_key'))
    )
    with op.batch_alter_table('license', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_license_org_id'), ['org_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_membership_org_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('org_id', 'user_id', name=op.f('uq_membership_org_id_user_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('org_tool',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_key', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sdk.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_org_tool_changed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_org_tool_org_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_tool')),
    sa.UniqueConstraint('org_id', 'tool_key', name=op.f('uq_org_tool_org_id_tool_key'))
    )
    with op.batch_alter_table('org_tool', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_tool_org_id'), ['org_id'], unique=False)

    op.create_table('tool_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_key', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], name=op.f('fk_tool_setting_org_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_setting')),
    sa.UniqueConstraint('org_id', 'tool_key', 'name', name=op.f('uq_tool_setting_org_id_tool_key_name'))
    )
    with op.batch_alter_table('tool_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tool_setting_org_id'), ['org_id'], unique=False)

    op.create_table('member_permission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('tool_key', sa.String(length=32), nullable=False),
    sa.Column('permission', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_member_permission_membership_id_membership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_permission')),
    sa.UniqueConstraint('membership_id', 'tool_key', 'permission', name=op.f('uq_member_permission_membership_id_tool_key_permission'))
    )
    with op.batch_alter_table('member_permission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_permission_membership_id'), ['membership_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('member_permission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_permission_membership_id'))

    op.drop_table('member_permission')
    with op.batch_alter_table('tool_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tool_setting_org_id'))

    op.drop_table('tool_setting')
    with op.batch_alter_table('org_tool', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_tool_org_id'))

    op.drop_table('org_tool')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_org_id'))

    op.drop_table('membership')
    with op.batch_alter_table('license', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_license_org_id'))

    op.drop_table('license')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_org_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_token_org_id'))

    op.drop_table('api_token')
    op.drop_table('user_account')
    op.drop_table('organization')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_email'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_at'))

    op.drop_table('login_attempt')
