"""Setting up milestones and QC-passed documents for the completeness tests."""
from __future__ import annotations

from datetime import date

from plugins.edocs.models import Milestone, Study, Version
from plugins.edocs.services import milestones, transitions
from plugins.edocs.services.completeness import report
from plugins.edocs.tests.conftest import PASSWORD


def add_milestone(sponsor, kind: str, due: date | str, site: str | None = None, owner_id=None) -> int:
    def add(session):
        study = session.get(Study, sponsor.study_id)
        place = next(s for s in study.sites if s.code == site) if site else None
        return milestones.add_milestone(study, kind, due, site=place, owner_id=owner_id).id
    return sponsor.as_user(sponsor.owner, add)


def move(sponsor, milestone_id: int, due, reason="Ethics committee meeting postponed"):
    return sponsor.as_user(sponsor.owner, lambda s: milestones.move_milestone(
        s.get(Milestone, milestone_id), due, reason).due_on)


def approve(sponsor, reviewer, version_id: int) -> None:
    sponsor.as_user(sponsor.owner, lambda s: transitions.transition(s.get(Version, version_id), "qc"))
    sponsor.as_user(reviewer, lambda s: transitions.transition(
        s.get(Version, version_id), "approved", password=PASSWORD, email=reviewer.email))


def totals(sponsor, today: date, user=None, org=None) -> dict:
    return sponsor.as_user(user or sponsor.owner, lambda s: report(
        s.get(Study, sponsor.study_id), today=today).totals.as_dict(), org=org)


def reviewer_of(sponsor):
    return sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
