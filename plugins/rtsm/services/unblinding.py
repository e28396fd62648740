"""Emergency unblinding: one subject per request, a reason, the requester's signature.

1. :func:`request` records the code break for one randomized subject with its reason (audited);
   nothing is revealed yet.
2. The requester signs it with the meaning "responsibility" (re-authentication: the kit's
   signature dialog on a page, :func:`sign` in the API).
3. :func:`reveal` shows the arm to that requester only, while the signature is valid: it is
   audited every time, and the first time it stamps ``revealed_at`` and notifies the sponsor's
   unblinded people (never naming the arm).

N subjects need N requests, each signed and audited: there is no "unblind the site" shortcut.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from sdk import org_scope, tool, utcnow
from sdk.audit import SignatureError
from sdk.notifications import declare_kind

from ..models import Allocation, Arm, Study, StudySite, Unblinding
from . import current_user_id
from .errors import NotAllowed, RtsmInputError

MEANING = "responsibility"
MIN_REASON, MAX_REASON = 10, 2000
EMERGENCY_UNBLINDING = declare_kind("rtsm.emergency_unblinding", "A subject was unblinded in an emergency",
                                    "Sent to a study's unblinded people when an investigator breaks the "
                                    "blind for one subject.", always_email=True)


def request(allocation: Allocation, reason: str) -> Unblinding:
    """Record an emergency code break of ``allocation``'s subject (flushed, audited). Needs the
    ``emergency_unblind`` permission on it (NotAllowed) and a reason of at least 10 characters."""
    if not tool().can("emergency_unblind", allocation):
        raise NotAllowed("Breaking the blind needs the emergency unblinding permission (investigators) "
                         "for this subject's site.")
    reason = reason.strip() if isinstance(reason, str) else ""
    if len(reason) < MIN_REASON:
        raise RtsmInputError([("reason", f"Give the medical reason for breaking the blind "
                                         f"(at least {MIN_REASON} characters).")])
    if len(reason) > MAX_REASON:
        raise RtsmInputError([("reason", f"Keep the reason to {MAX_REASON} characters.")])
    unblinding = Unblinding(study_id=allocation.study_id, site_id=allocation.site_id, allocation_id=allocation.id,
                            reason=reason, requested_by_id=current_user_id())
    tool().db_session().add(unblinding)
    tool().db_session().flush()
    return unblinding


def sign(unblinding: Unblinding, *, password: str, email: str | None = None) -> None:
    """The requester's signature (meaning "responsibility") by re-authentication; commits (the
    signature service does). A wrong password raises NotAllowed with the service's message; the
    signature service rolls the request back, so a failed attempt leaves no code break behind,
    only the platform's audit entry of the failed signing."""
    user = tool().current_user()
    if user is None or unblinding.requested_by_id != user.id:
        raise NotAllowed("Only the person who requested the unblinding signs it.")
    try:
        tool().signatures.sign(unblinding, meaning=MEANING, password=password or "", email=email)
    except SignatureError as refused:
        tool().db_session().rollback()
        raise NotAllowed(str(refused)) from None


def is_signed(unblinding: Unblinding) -> bool:
    """Whether the requester signed it with meaning "responsibility" and the signature still
    holds (not stale: the request unchanged since; bound to this record)."""
    user = tool().current_user()
    return any(signature.meaning == MEANING and not signature.stale and signature.bound
               and user is not None and signature.signer_email == user.email
               for signature in tool().signatures.for_record(unblinding))


def reveal(unblinding: Unblinding) -> Arm:
    """The subject's arm, for the requester of a signed unblinding (NotAllowed otherwise).
    Audited ("revealed") every time; the first time also stamps ``revealed_at`` and notifies
    the sponsor's unblinded people. Flushed, not committed."""
    user = tool().current_user()
    if user is None or unblinding.requested_by_id != user.id:
        raise NotAllowed("Only the person who requested this unblinding may see its result.")
    if not is_signed(unblinding):
        raise NotAllowed("Sign the unblinding (meaning: responsibility) before the arm is shown.")
    session = tool().db_session()
    allocation = session.get(Allocation, unblinding.allocation_id)
    arm = session.scalar(select(Arm).where(Arm.study_id == allocation.study_id, Arm.code == allocation.arm_code))
    first = unblinding.revealed_at is None
    if first:
        unblinding.revealed_at = utcnow()
    with org_scope(unblinding.org_id):  # the owner's trail, where the request and signature are
        tool().audit.record(entity_type="unblinding", entity_id=str(unblinding.id), action="revealed",
                            changes={"subject": [None, allocation.subject]})
    session.flush()
    if first:
        _notify(unblinding, allocation)
    return arm


def _notify(unblinding: Unblinding, allocation: Allocation) -> None:
    session = tool().db_session()
    study = session.get(Study, unblinding.study_id)
    site = session.get(StudySite, unblinding.site_id)
    user = tool().current_user()
    try:
        link = url_for("rtsm.unblinding", unblinding_id=unblinding.id)
    except (BuildError, RuntimeError):  # the page is not there (yet), or no request
        link = None
    tool().notifications.notify_holders(
        "see_arms", study, kind=EMERGENCY_UNBLINDING.key,
        subject=f"Emergency unblinding of subject {allocation.subject} at site {site.code}",
        body=f"Reason: {unblinding.reason}\n\nUnblinded by {user.name} ({user.email}) in {study.name}.",
        link=link)


def unblindings_of(study: Study) -> list[Unblinding]:
    """The study's code breaks this organization sees (its own site's for a site organization)."""
    return list(tool().db_session().scalars(
        select(Unblinding).where(Unblinding.study_id == study.id).order_by(Unblinding.created_at)))
