"""The license sweep: lapse every license whose paid, granted or trial time has run out.

The request path already refuses an expired license (``License.entitled``); the sweep makes the
stored status say so too, so pages, exports and billing show the truth and the audit trail records
when and why each license lapsed. Operators run it on a schedule (``trialoffice licenses sweep``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from sdk.audit import reason_for_change
from sdk.models import utcnow
from sdk.tenancy import all_organizations, org_scope

from .compliance.actor import acting_as
from .models import License, Organization
from .notifications.platform import notify_trials_ending

#: Statuses that lapse once ``valid_until`` has passed; a suspension stays until an admin lifts it.
EXPIRING_STATUSES = ("trialing", "active", "grace")
SWEEP_ACTOR = "license sweep"


@dataclass(frozen=True)
class LapsedLicense:
    org_slug: str
    tool_key: str
    previous_status: str
    valid_until: datetime


@dataclass
class SweepReport:
    """What a sweep lapsed (or, in a dry run, would lapse)."""

    lapsed: list[LapsedLicense] = field(default_factory=list)
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """Number of licenses lapsed, by the status they had."""
        return dict(Counter(item.previous_status for item in self.lapsed))

    @property
    def affected(self) -> list[tuple[str, str]]:
        return [(item.org_slug, item.tool_key) for item in self.lapsed]

    @property
    def total(self) -> int:
        return len(self.lapsed)


def expired_licenses(session, now: datetime) -> list[tuple[License, str]]:
    """Every organization's licenses due to lapse at ``now``, with the organization's slug.

    The rows are locked (PostgreSQL) so that two sweeps running at once lapse each license once.
    """
    query = (select(License, Organization.slug)
             .join(Organization, Organization.id == License.org_id)
             .where(License.status.in_(EXPIRING_STATUSES), License.valid_until.is_not(None),
                    License.valid_until <= now)
             .order_by(Organization.slug, License.tool_key)
             .with_for_update(of=License))
    with all_organizations():
        return [(lic, slug) for lic, slug in session.execute(query).all()]


def sweep_licenses(session, now: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
    """Lapse every expired trialing, active or grace license of every organization.

    Each change is flushed on its own inside its organization's scope, so the audit trail records
    it with the reason and the sweep as actor. Running it again changes nothing. Committing (or,
    for ``dry_run``, rolling back the row locks) is left to the caller.
    """
    now = now or utcnow()
    report = SweepReport(dry_run=dry_run)
    with acting_as("system", None, SWEEP_ACTOR):
        for lic, slug in expired_licenses(session, now):
            report.lapsed.append(LapsedLicense(slug, lic.tool_key, lic.status, lic.valid_until))
            if dry_run:
                continue
            reason = f"license sweep: expired on {lic.valid_until:%Y-%m-%d %H:%M} UTC"
            with org_scope(lic.org_id), reason_for_change(reason):
                lic.status = "lapsed"
                session.flush()
        if not dry_run:
            notify_trials_ending(session, now)
    return report
