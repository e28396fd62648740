"""The declarative base every table of the platform uses, and the column types it relies on."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The host's organization table; tenant tables point their ``org_id`` at it.
ORGANIZATION_TABLE = "organization"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on every database.

    Naive datetimes are refused on the way in (their zone is unknown); SQLite, which keeps no
    zone, gets UTC back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC times only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Base of every model, host and plugins alike: one metadata, one naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantMixin:
    """Marks a table as owned by one organization.

    Every ORM query on it is filtered to the current organization and every insert is stamped
    with it (see :mod:`sdk.tenancy`). Include ``org_id`` in the table's unique keys.
    """

    @declared_attr
    def org_id(cls) -> Mapped[int]:
        return mapped_column(
            ForeignKey(f"{ORGANIZATION_TABLE}.id", ondelete="CASCADE"), index=True, nullable=False
        )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
