"""Review and lock: source data verification per form, freeze and lock at form, subject and study
level, and what makes the investigator's casebook signature stale.

The rules, as LibreClinica and REDCap apply them:

- **SDV.** A monitor (``verify``) marks a *complete* form whose data may still change verified;
  a later change of its data clears the mark (:func:`after_data_change`), so what the monitor
  saw is what stays marked.
- **Freeze** stops data entry (queries go on); **lock** stops every change. Each level has three
  states, open -> frozen -> locked (``lock``); a form or subject inside a locked subject or study
  cannot change state, since the lock above it already holds it. Locking is the data manager's
  (``lock``); a study is frozen or locked through ``Study.state``, a subject or form through its
  own flags.
- **Reopening** (unfreeze, unlock) needs a reason, kept with the change in the audit trail, and
  reopens the casebook: every affected subject is touched, so the signature the investigator
  gave it (``Subject`` signed as "approved") is shown stale until signed again.

- **The casebook signature** is the platform's signature of the ``Subject`` with meaning
  "approved", given on the casebook page through the kit's signature block. The platform's sign
  route cannot be refused by a tool, so a casebook with incomplete forms can still be signed; the
  page says which forms are not complete beside the block (:func:`casebook.incomplete_forms`).

Every step changes ``@audited`` rows only, so the trail records who, when, old and new, and the
reason; an illegal step raises :class:`StateConflict` (409) and changes nothing.
"""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool, utcnow
from sdk.audit import reason_for_change

from ..models import FormInstance, Study, Subject
from . import current_user_id
from .errors import EdcInputError, LockedError, NotAllowed

REASON_LIMIT = 500
#: what each level is called in messages
LEVELS = {FormInstance: "form", Subject: "subject", Study: "study"}


class StateConflict(LockedError):
    """The record is not in a state this step applies to (already locked, not verified...): 409."""


def state_of(record) -> str:
    """"open", "frozen" or "locked": a study's state, a subject's or form's flags."""
    if isinstance(record, Study):
        return record.state
    return "locked" if record.locked else "frozen" if record.frozen else "open"


def name_of(record) -> str:
    if isinstance(record, FormInstance):
        return f"Form {record.form_oid} of subject {record.subject.subject_key}"
    if isinstance(record, Subject):
        return f"Subject {record.subject_key}"
    return f"Study {record.name}"


def _study_of(record) -> Study:
    return record if isinstance(record, Study) else tool().db_session().get(Study, record.study_id)


def _require(permission: str, record, doing: str) -> None:
    if not tool().can(permission, record):
        raise NotAllowed(f"You may not {doing} {name_of(record).lower()}: it takes the "
                         f"{'monitor' if permission == 'verify' else 'data manager'}'s rights.")


def _reason(reason: str | None, doing: str) -> str:
    text = (reason or "").strip()
    problems = EdcInputError()
    if not text:
        problems.add("reason", f"Say why you {doing} it: the reason goes to the audit trail.")
    elif len(text) > REASON_LIMIT:
        problems.add("reason", f"Keep the reason to {REASON_LIMIT} characters.")
    problems.raise_if_any()
    return text


def _held_above(record) -> None:
    """Refuse a step on a form or subject that a lock above it holds."""
    if isinstance(record, Study):
        return
    study = _study_of(record)
    if study.state == "locked":
        raise StateConflict(f"{study.name} is locked: unlock the study first.")
    if isinstance(record, FormInstance) and record.subject.locked:
        raise StateConflict(f"Subject {record.subject.subject_key} is locked: unlock the subject first.")


def _set(record, state: str) -> None:
    """Freeze or lock (a locked record keeps its frozen flag; reopening clears both)."""
    if isinstance(record, Study):
        record.state = state
    elif state == "locked":
        record.locked = True
    else:
        record.frozen = True


def freeze(record) -> None:
    """Stop data entry on a form, subject or study (queries go on)."""
    _require("lock", record, "freeze")
    _held_above(record)
    if state_of(record) != "open":
        raise StateConflict(f"{name_of(record)} is {state_of(record)} already.")
    _set(record, "frozen")
    tool().db_session().flush()


def lock(record) -> None:
    """Stop every change of a form, subject or study (open or frozen)."""
    _require("lock", record, "lock")
    _held_above(record)
    if state_of(record) == "locked":
        raise StateConflict(f"{name_of(record)} is locked already.")
    _set(record, "locked")
    tool().db_session().flush()


def unfreeze(record, reason: str | None) -> None:
    """Reopen a frozen record for data entry; the casebooks it holds become stale."""
    _reopen(record, reason, "frozen", "unfreeze")


def unlock(record, reason: str | None) -> None:
    """Reopen a locked record (to open, not frozen); the casebooks it holds become stale."""
    _reopen(record, reason, "locked", "unlock")


def _reopen(record, reason: str | None, expected: str, doing: str) -> None:
    _require("lock", record, doing)
    text = _reason(reason, doing)
    _held_above(record)
    if state_of(record) != expected:
        hint = " Unlock it instead." if state_of(record) == "locked" else ""
        raise StateConflict(f"{name_of(record)} is {state_of(record)}, not {expected}.{hint}")
    with reason_for_change(text):
        if isinstance(record, Study):
            record.state = "open"
        else:
            record.locked = record.frozen = False
        _mark_casebooks_changed(_subjects_of(record))
        tool().db_session().flush()


def verify(form: FormInstance) -> None:
    """Source data verification of one complete form whose data may still change."""
    _require("verify", form, "verify")
    _held_above(form)
    if form.locked:
        raise StateConflict(f"{name_of(form)} is locked: verify before locking.")
    if form.state != "complete":
        raise StateConflict(f"{name_of(form)} is not complete yet: the site marks it complete first.")
    if form.verified_at is not None:
        raise StateConflict(f"{name_of(form)} is verified already.")
    form.verified_at, form.verified_by_id = utcnow(), current_user_id()
    tool().db_session().flush()


def unverify(form: FormInstance, reason: str | None = None) -> None:
    """Withdraw a form's verification (the reason, if given, goes to the audit trail)."""
    _require("verify", form, "withdraw the verification of")
    _held_above(form)
    if form.locked:
        raise StateConflict(f"{name_of(form)} is locked: unlock it first.")
    if form.verified_at is None:
        raise StateConflict(f"{name_of(form)} is not verified.")
    with reason_for_change((reason or "").strip()[:REASON_LIMIT] or None):
        form.verified_at = form.verified_by_id = None
        tool().db_session().flush()


def after_data_change(form: FormInstance) -> None:
    """What a change of a form's data does to its review: the verification no longer holds and
    the subject's casebook signature becomes stale. ``entry.save_form`` calls it when values
    changed (inside its reason-for-change block)."""
    if form.verified_at is not None:
        form.verified_at = form.verified_by_id = None
    _mark_casebooks_changed([form.subject])


def _subjects_of(record) -> list[Subject]:
    if isinstance(record, FormInstance):
        return [record.subject]
    if isinstance(record, Subject):
        return [record]
    return list(tool().db_session().scalars(select(Subject).where(Subject.study_id == record.id)))


def _mark_casebooks_changed(subjects) -> None:
    """Make each subject's casebook signature stale: the signature covers the subject's
    ``casebook_revision``, so counting it up makes an earlier signature no longer match until the
    investigator signs again (locking a signed casebook leaves it alone)."""
    for subject in subjects:
        subject.casebook_revision = (subject.casebook_revision or 0) + 1


def casebook_signature(subject: Subject) -> str:
    """"unsigned", "signed" or "stale": the latest "approved" signature of the casebook."""
    approvals = [sig for sig in tool().signatures.for_record(subject) if sig.meaning == "approved"]
    if not approvals:
        return "unsigned"
    return "stale" if approvals[-1].stale else "signed"
