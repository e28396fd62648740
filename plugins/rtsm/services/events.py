"""The platform events rtsm emits (declared in ``sdk.events``). The arm never travels in an
event: other tools hear of the subject, its randomization number and its kit number only.

``trial_ref`` is the study's protocol number (its name when it has none), ``site_ref`` the site's
code. Emitted in the study owner's organization (a site organization randomizes into the
sponsor's study), in the same transaction as the change, through the outbox."""
from __future__ import annotations

from sqlalchemy import select

from sdk import org_scope, tool

from ..models import Allocation, Kit, Study, StudySite


def trial_ref(study: Study) -> str:
    return study.protocol or study.name


def _site_code(site_id: int) -> str:
    return tool().db_session().scalar(select(StudySite.code).where(StudySite.id == site_id)) or ""


def subject_randomized(study: Study, allocation: Allocation, kit: Kit | None) -> None:
    payload = {"trial_ref": trial_ref(study), "site_ref": _site_code(allocation.site_id),
               "subject_ref": allocation.subject, "randomization_number": allocation.sequence,
               "kit_ref": kit.number if kit is not None else None,
               "randomized_on": allocation.randomized_at.date().isoformat()}
    with org_scope(study.org_id):
        tool().events.emit("rtsm.subject_randomized", payload)


def kit_dispensed(study: Study, allocation: Allocation, kit: Kit) -> None:
    dispensed = kit.dispensed_at or allocation.randomized_at
    payload = {"trial_ref": trial_ref(study), "site_ref": _site_code(allocation.site_id),
               "subject_ref": allocation.subject, "kit_ref": kit.number,
               "dispensed_on": dispensed.date().isoformat()}
    with org_scope(study.org_id):
        tool().events.emit("rtsm.kit_dispensed", payload)
