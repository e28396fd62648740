"""rtsm API: randomizing a subject, the unblinded allocation list, emergency unblinding.

A blinded caller never gets an arm: randomizing answers the subject, its randomization number
and kit; the allocation list is refused (403) to everyone without ``see_arms``. A site
organization randomizes at its own site only and sees its own site's subjects only."""
from __future__ import annotations

from flask import abort, jsonify

from sdk import requires_permission, tool
from sdk.api_docs import responds, takes_body

from ..services import access, presenting, randomization, unblinding
from ..services.errors import RtsmInputError
from . import api, schemas
from .studies import refusals, visible


@api.post("/studies/<int:study_id>/randomize")
@requires_permission("randomize")
@takes_body(schemas.RandomizeIn)
@responds(201, "The subject, randomized: its randomization number and kit (and arm, for an unblinded caller)",
          schema=schemas.AllocationOut)
@responds(200, "The subject was randomized already: its first randomization, unchanged",
          schema=schemas.AllocationOut)
def randomize(study_id: int, body: dict):
    """Randomize a subject

    `factors` are the scheme's stratification or minimization factors, e.g. `{"sex": "F"}`. A
    subject is randomized once: asking again answers the first randomization with 200. Calling
    confirms the subject's eligibility (kept in its history); `"eligible": false` is refused."""
    study = visible(study_id)
    site = access.site_by_code(study, body["site"].strip())
    with refusals():
        allocation, created = randomization.randomize(study, subject=body["subject"], site=site,
                                                      factors=body["factors"], source="api",
                                                      eligible=body["eligible"])
        tool().db_session().commit()
    return jsonify(presenting.allocation_view(allocation)), 201 if created else 200


@api.get("/studies/<int:study_id>/allocations")
@requires_permission("view_study")
@responds(200, "Every randomization this organization sees, in randomization-number order, with its arm",
          schema=schemas.AllocationList)
@responds(403, "Unblinded people only (a role with see_arms)")
def list_allocations(study_id: int):
    """The allocations (unblinded only)"""
    study = visible(study_id)
    if not access.unblinded(study):
        abort(403, "The allocation list shows treatment arms: it needs an unblinded role on this study.")
    return jsonify(allocations=presenting.allocation_rows(study, randomization.allocations(study)))


@api.post("/studies/<int:study_id>/unblindings")
@requires_permission("view_study")
@takes_body(schemas.UnblindingIn)
@responds(201, "The subject's arm, revealed to you; the sponsor's unblinded people are notified",
          schema=schemas.UnblindingOut)
@responds(403, "No emergency unblinding permission for the subject's site, or the signature was refused "
               "(a wrong password): nothing is revealed")
def unblind(study_id: int, body: dict):
    """Break the blind for one subject

    Needs a reason and your password: the request is signed by you (meaning "responsibility") and
    audited. One subject per request. Needs `emergency_unblind` at the subject's site (checked on
    the subject, so another organization's study answers 404, not 403)."""
    study = visible(study_id)
    user = tool().current_user()
    with refusals():
        allocation = randomization.find(study, body["subject"].strip())
        if allocation is None:
            raise RtsmInputError([("subject", f"No randomized subject {body['subject'].strip()!r} "
                                                         "in this study at your sites.")])
        made = unblinding.request(allocation, body["reason"])
        tool().db_session().flush()
        unblinding.sign(made, password=body["password"], email=body.get("email") or user.email)
        arm = unblinding.reveal(made)
        tool().db_session().commit()
    return jsonify(id=made.id, subject=allocation.subject, arm=arm.code, arm_name=arm.name, reason=made.reason,
                   unblinded_by=user.name, unblinded_at=made.revealed_at.isoformat()), 201
