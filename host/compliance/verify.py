"""``audit verify``: walk every organization's chain and report the first broken link of each."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..models import Organization
from ..models.compliance import PLATFORM_CHAIN
from .chain import BrokenLink, chain_keys, verify_chain


@dataclass(frozen=True)
class ChainReport:
    label: str
    entries: int
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken:
            return self.broken.describe(self.label)
        return f"{self.label}: {self.entries} entries, chain intact"


def verify_trail(engine, org_id: int | None = None) -> list[ChainReport]:
    """Reports for one organization's chain, or for every chain when ``org_id`` is None."""
    with engine.connect() as connection:
        slugs = dict(connection.execute(select(Organization.id, Organization.slug)).all())
        keys = [org_id] if org_id is not None else chain_keys(connection)
        reports = []
        for key in keys:
            label = "platform" if key == PLATFORM_CHAIN else f"organization {slugs.get(key, key)}"
            count, broken = verify_chain(connection, key)
            reports.append(ChainReport(label, count, broken))
    return reports
