"""Retention periods and legal holds: when a document may be deleted, and deleting it.

A document is kept for its artifact's retention period (``Artifact.retention_years``, 25 by
default) counted from the study's end; before that date, or while a legal hold is on, deletion
is refused. A refusal changes nothing, yet it is audited: the attempt is written alone, in the
binder owner's trail (where the document's history is read), after everything else of the
transaction was rolled back.

A permitted deletion removes the document's and its versions' rows (each deletion audited by
the models) and their search text. The stored bytes stay in the owner's storage: they are
content-addressed and may be shared by another document or version with the same SHA-256.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from sdk import org_scope, tool
from sdk.audit import reason_for_change

from ..models import Document, SearchText, Study, Version
from .errors import ConflictError, EdocsInputError, NotAllowed
from .studies import may_manage

MAX_REASON = 500


@dataclass(frozen=True)
class Retention:
    """How long a document is kept. ``until`` is None while the study has not ended."""

    until: date | None
    years: int
    hold: bool
    hold_reason: str
    deletable: bool
    why_not: str


def add_years(start: date, years: int) -> date:
    """``start`` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def retention_of(document: Document, *, today: date | None = None) -> Retention:
    study = tool().db_session().get(Study, document.study_id)
    years = document.artifact.retention_years
    ended = study.ended_on if study.status == "closed" else None
    until = add_years(ended, years) if ended else None
    today = today or date.today()
    if document.legal_hold:
        why_not = f"It is under legal hold ({document.hold_reason}); release the hold first."
    elif until is None:
        why_not = (f"The study has not ended: its {document.artifact.number} documents are kept "
                   f"{years} years after its end.")
    elif today < until:
        why_not = f"It is kept until {until.isoformat()} ({years} years after the study's end on {ended.isoformat()})."
    else:
        why_not = ""
    return Retention(until=until, years=years, hold=document.legal_hold, hold_reason=document.hold_reason,
                     deletable=not why_not, why_not=why_not)


def _reason(reason, what: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise EdocsInputError([("reason", f"Give the reason for {what}.")])
    if len(text) > MAX_REASON:
        raise EdocsInputError([("reason", f"Keep the reason to {MAX_REASON} characters.")])
    return text


def _managed_study(document: Document, what: str) -> Study:
    study = tool().db_session().get(Study, document.study_id)
    if not may_manage(study):
        raise NotAllowed(f"{what} needs the 'manage_binder' permission of the binder's owner.")
    return study


def set_hold(document: Document, on: bool, reason) -> Document:
    """Put the document under legal hold (``on``) or release it; both need a reason, kept in
    the audit trail (the hold's also on the document). Flushed."""
    study = _managed_study(document, "A legal hold")
    text = _reason(reason, "placing the legal hold" if on else "releasing the legal hold")
    if bool(on) == document.legal_hold:
        raise ConflictError("The document is under legal hold already." if on
                            else "The document is not under legal hold.")
    with org_scope(study.org_id), reason_for_change(text):
        document.legal_hold = bool(on)
        document.hold_reason = text if on else ""
        tool().db_session().flush()
    return document


def delete_document(document: Document, reason) -> int:
    """Delete the document and its versions if retention and holds allow (returns how many
    versions); flushed.

    Refused (:class:`ConflictError`, naming the retention date or the hold) otherwise, and that
    refusal is committed to the audit trail alone before it is raised."""
    study = _managed_study(document, "Deleting a document")
    text = _reason(reason, "deleting the document")
    retention = retention_of(document)
    session = tool().db_session()
    if not retention.deletable:
        document_id, title = document.id, document.title
        session.rollback()
        with org_scope(study.org_id):
            tool().audit.record(entity_type="document", entity_id=str(document_id), action="delete_refused",
                                changes={"title": [title, title],
                                         "retained_until": [None, retention.until.isoformat() if retention.until else None],
                                         "legal_hold": [retention.hold, retention.hold]},
                                reason=f"{text} (refused: {retention.why_not})")
            session.commit()
        raise ConflictError(f"The document cannot be deleted. {retention.why_not}")
    with org_scope(study.org_id), reason_for_change(text):
        session.execute(delete(SearchText).where(SearchText.document_id == document.id))
        versions = list(session.scalars(select(Version).where(Version.document_id == document.id)))
        for version in versions:
            session.delete(version)
        session.flush()
        session.delete(document)
        session.flush()
    return len(versions)


def documents_on_hold(study: Study) -> list[Document]:
    return list(tool().db_session().scalars(
        select(Document).where(Document.study_id == study.id, Document.legal_hold.is_(True)).order_by(Document.title)))
