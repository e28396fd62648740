"""Moving a version through its lifecycle (``domain.lifecycle``), with what each step brings:

- to QC: the people who hold ``qc_review`` on the document are notified;
- passing QC: the reviewer signs the version (meaning "approved", re-authentication) and it is
  Approved; every earlier version still in use becomes Superseded; ``edocs.document_approved``
  goes out through the outbox; all of it one transaction;
- rejecting: a reason, kept in the audit trail and on the version, and sent to the people who
  may file where the document is;
- effective: the approved version is the one in force.

QC is independent: the person who uploaded a version does not pass or reject it. A refused step
changes nothing.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from sdk import org_scope, tool, utcnow
from sdk.audit import SignatureError, reason_for_change
from sdk.notifications import declare_kind

from ..domain.lifecycle import IN_USE, LABELS, TransitionRefused, step
from ..models import Document, Study, Version
from . import current_user_id
from .access import may_at
from .errors import ConflictError, EdocsInputError, NotAllowed
from .studies import ensure_open

QC_WAITING = declare_kind("edocs.qc_waiting", "A document is waiting for your QC",
                          "A document version was sent to QC in a binder where you review documents.")
QC_REJECTED = declare_kind("edocs.qc_rejected", "A document was rejected in QC",
                           "A document version you could correct was rejected in QC, with the reviewer's reason.")
MEANING = "approved"


def transition(version: Version, to: str, *, reason: str | None = None, password: str | None = None,
               email: str | None = None) -> Version:
    """Move ``version`` to ``to``; committed when it signs (passing QC), flushed otherwise.

    Raises :class:`ConflictError` for a step its status does not allow (409),
    :class:`EdocsInputError` for a missing reason (422), :class:`NotAllowed` without the right
    or with a failed signature (403)."""
    session = tool().db_session()
    document = session.get(Document, version.document_id)
    study = session.get(Study, version.study_id)
    ensure_open(study)
    if version.number != document.current_version and to != "effective":
        raise ConflictError(f"Version {version.number} is not the document's newest (version "
                            f"{document.current_version}); work on the newest.")
    try:
        move = step(version.status, to, reason)
    except TransitionRefused as exc:
        if to == "rejected" and version.status == "qc":
            raise EdocsInputError([("reason", str(exc))]) from None
        raise ConflictError(str(exc)) from None
    if not may_at(move.permission, study, document.site):
        raise NotAllowed(f"You may not move this document to {LABELS[to]}.")
    if move.permission == "qc_review" and version.uploaded_by_id == current_user_id():
        raise NotAllowed("You uploaded this version: its QC is someone else's (independent review).")
    if to == "approved":
        return _approve(version, document, study, password=password, email=email)
    now = utcnow()
    with org_scope(study.org_id), reason_for_change(reason if to == "rejected" else None):
        version.status = to
        if to == "rejected":
            version.qc_by_id, version.qc_at, version.qc_reason = current_user_id(), now, reason.strip()
        elif to == "effective":
            version.effective_at = now
        session.flush()
        if to == "qc":
            _notify_reviewers(version, document)
        elif to == "rejected":
            _notify_filers(version, document)
    return version


def _approve(version: Version, document: Document, study: Study, *, password, email) -> Version:
    """Sign, approve, supersede and announce in one transaction: the signature is flushed, not
    committed, so a failure after it leaves neither the signature nor the approval (the signature
    service refuses a record with unsaved changes, so it signs first)."""
    try:
        tool().signatures.sign(version, meaning=MEANING, password=password or "", email=email, commit=False)
    except SignatureError as exc:
        raise NotAllowed(str(exc)) from None
    session = tool().db_session()
    now = utcnow()
    with org_scope(study.org_id):
        for earlier in session.scalars(select(Version).where(
                Version.document_id == document.id, Version.number < version.number, Version.status.in_(IN_USE))):
            earlier.status = "superseded"
        version.status = "approved"
        version.qc_by_id = version.approved_by_id = current_user_id()
        version.qc_at = version.approved_at = now
        session.flush()
        announce_approval(version, document, study)
    session.commit()
    return version


def announce_approval(version: Version, document: Document, study: Study) -> None:
    """``edocs.document_approved`` through the outbox, in the approval's transaction."""
    tool().events.emit("edocs.document_approved", {
        "trial_ref": study.protocol or study.name, "site_ref": document.site.code if document.site else None,
        "artifact": document.artifact.number, "document_id": document.id, "version": version.number,
        "sha256": version.sha256, "approved_on": version.approved_at.date().isoformat()})


def _notify_reviewers(version: Version, document: Document) -> None:
    tool().notifications.notify_holders(
        "qc_review", version, kind=QC_WAITING.key,
        subject=f"QC waiting: {document.title} v{version.number}",
        body=f"{document.artifact.number} {document.artifact.name} was sent to QC.",
        link=url_for("edocs.document", document_id=document.id))


def _notify_filers(version: Version, document: Document) -> None:
    """Those who may file where the document is (the site's filers for a site document) learn
    what to correct."""
    tool().notifications.notify_holders(
        "file_documents", version, kind=QC_REJECTED.key,
        subject=f"QC rejected: {document.title} v{version.number}",
        body=f"Reason: {version.qc_reason}", link=url_for("edocs.document", document_id=document.id))


def qc_queue(study: Study | None = None) -> list[Version]:
    """Versions waiting for QC that the acting person may review, oldest first."""
    query = select(Version).where(Version.status == "qc").order_by(Version.uploaded_at, Version.id)
    if study is not None:
        query = query.where(Version.study_id == study.id)
    return [v for v in tool().db_session().scalars(query) if tool().can("qc_review", v)]
