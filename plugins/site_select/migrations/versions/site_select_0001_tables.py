"""site_select tables: sites, trial history, weight presets, shortlists, import batches

Revision ID: site_select_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import sdk.models

revision = "site_select_0001"
down_revision = None
branch_labels = ("site_select",)
depends_on = "host_0001"


def _org_fk(table):
    return sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE",
                                   name=op.f(f"fk_{table}_org_id_organization"))


def _timestamps():
    return [sa.Column("created_at", sdk.models.UTCDateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sdk.models.UTCDateTime(timezone=True), nullable=False)]


def _batch_fk(table):
    return sa.ForeignKeyConstraint(["import_batch_id"], ["site_select_import_batch.id"], ondelete="SET NULL",
                                   name=op.f(f"fk_{table}_import_batch_id_site_select_import_batch"))


def upgrade() -> None:
    op.create_table(
        "site_select_import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sdk.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("sites_created", sa.Integer(), nullable=False),
        sa.Column("sites_merged", sa.Integer(), nullable=False),
        sa.Column("history_created", sa.Integer(), nullable=False),
        sa.Column("history_skipped", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=False),
        _org_fk("site_select_import_batch"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_select_import_batch")),
    )
    op.create_table(
        "site_select_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("normalized_name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("city", sa.String(120), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("therapeutic_areas", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("network", sa.String(200), nullable=True),
        sa.Column("investigators", sa.JSON(), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        *_timestamps(),
        _org_fk("site_select_site"),
        _batch_fk("site_select_site"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_select_site")),
        sa.UniqueConstraint("org_id", "normalized_name", "country", "city",
                            name=op.f("uq_site_select_site_org_id_normalized_name_country_city")),
    )
    op.create_table(
        "site_select_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("trial_ref", sa.String(64), nullable=False),
        sa.Column("trial_title", sa.String(300), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("condition", sa.String(200), nullable=False),
        sa.Column("therapeutic_area", sa.String(100), nullable=False),
        sa.Column("selected_on", sa.Date(), nullable=True),
        sa.Column("activated_on", sa.Date(), nullable=True),
        sa.Column("first_subject_in", sa.Date(), nullable=True),
        sa.Column("last_subject_in", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("screened", sa.Integer(), nullable=True),
        sa.Column("enrolled", sa.Integer(), nullable=True),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("queries_per_100", sa.Float(), nullable=True),
        sa.Column("deviations", sa.Integer(), nullable=True),
        sa.Column("data_points", sa.Integer(), nullable=False),
        sa.Column("queries", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        *_timestamps(),
        _org_fk("site_select_history"),
        _batch_fk("site_select_history"),
        sa.ForeignKeyConstraint(["site_id"], ["site_select_site.id"], ondelete="CASCADE",
                                name=op.f("fk_site_select_history_site_id_site_select_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_select_history")),
        sa.UniqueConstraint("org_id", "site_id", "trial_ref",
                            name=op.f("uq_site_select_history_org_id_site_id_trial_ref")),
    )
    op.create_table(
        "site_select_weight_preset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        *_timestamps(),
        _org_fk("site_select_weight_preset"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_select_weight_preset")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_site_select_weight_preset_org_id_name")),
    )
    op.create_table(
        "site_select_shortlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("trial_ref", sa.String(64), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("handed_off_at", sdk.models.UTCDateTime(timezone=True), nullable=True),
        *_timestamps(),
        _org_fk("site_select_shortlist"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_select_shortlist")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_site_select_shortlist_org_id_name")),
    )
    op.create_table(
        "site_select_shortlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("shortlist_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("expected_rate", sa.Float(), nullable=True),
        _org_fk("site_select_shortlist_entry"),
        sa.ForeignKeyConstraint(["shortlist_id"], ["site_select_shortlist.id"], ondelete="CASCADE",
                                name=op.f("fk_site_select_shortlist_entry_shortlist_id_site_select_shortlist")),
        sa.ForeignKeyConstraint(["site_id"], ["site_select_site.id"], ondelete="CASCADE",
                                name=op.f("fk_site_select_shortlist_entry_site_id_site_select_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_select_shortlist_entry")),
        sa.UniqueConstraint("org_id", "shortlist_id", "site_id",
                            name=op.f("uq_site_select_shortlist_entry_org_id_shortlist_id_site_id")),
    )
    for table, columns in INDEXES:
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


INDEXES = (
    ("site_select_import_batch", ("org_id",)),
    ("site_select_site", ("org_id", "normalized_name", "country", "network")),
    ("site_select_history", ("org_id", "site_id")),
    ("site_select_weight_preset", ("org_id",)),
    ("site_select_shortlist", ("org_id",)),
    ("site_select_shortlist_entry", ("org_id", "shortlist_id")),
)


def downgrade() -> None:
    for table in ("site_select_shortlist_entry", "site_select_shortlist", "site_select_weight_preset",
                  "site_select_history", "site_select_site", "site_select_import_batch"):
        op.drop_table(table)
