"""Reading a subject's casebook and a study's review state: every form of every event as entered
(read-only, each form under the metadata version it was entered under), with its SDV, freeze and
lock marks, and the casebook signature's state per subject."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from sdk import tool

from ..domain.metadata import NULL_FLAVOURS
from ..models import FormInstance, StudyEvent, Subject
from .definitions import definition
from .entry import stored_values
from .layout import slots
from .review import casebook_signature, state_of
from .studies import published_version


@dataclass
class ValueRow:
    label: str
    shown: str          # the value as a reader reads it: the code's word, the null flavour's
    repeat: int = 1


@dataclass
class CasebookForm:
    event_name: str
    form_name: str
    form: FormInstance | None           # None: not entered yet
    rows: list[ValueRow] = field(default_factory=list)

    @property
    def state(self) -> str:
        return state_of(self.form) if self.form is not None else "open"

    @property
    def complete(self) -> bool:
        return self.form is not None and self.form.state == "complete"


def _shown(slot, value: str | None, null: str | None) -> str:
    if value is None:
        return NULL_FLAVOURS.get(null, "") if null else ""
    if slot.codelist is not None:
        words = [slot.codelist.decode(code) or code for code in value.split(",") if code]
        return ", ".join(words)
    return value


def _rows(form: FormInstance) -> list[ValueRow]:
    version = definition(form.version)
    form_def = version.form(form.form_oid)
    if form_def is None:
        return []
    stored = stored_values(form)
    repeats = {}
    for group_oid, repeat, _ in stored:
        repeats[group_oid] = max(repeats.get(group_oid, 1), repeat)
    rows = []
    for slot in slots(version, form_def, repeats):
        value = stored.get(slot.key)
        if value is None or slot.item.control == "descriptive":
            continue
        rows.append(ValueRow(slot.item.question.text or slot.item.name,
                             _shown(slot, value.value, value.null_flavour), slot.repeat))
    return rows


def casebook(study, subject: Subject) -> list[CasebookForm]:
    """Each form of the study's schedule (the published version's), then any form entered under
    an older version only, in event order."""
    entered = tool().db_session().execute(
        select(FormInstance, StudyEvent).join(StudyEvent, StudyEvent.id == FormInstance.event_id)
        .where(FormInstance.subject_id == subject.id)
        .order_by(StudyEvent.repeat_key, FormInstance.repeat_key, FormInstance.id)).all()
    by_key: dict[tuple[str, str], list[FormInstance]] = {}
    for form, event in entered:
        by_key.setdefault((event.event_oid, form.form_oid), []).append(form)
    found, seen = [], set()
    row = published_version(study)
    version = definition(row) if row is not None else None
    for event_def in (version.events if version else ()):
        for ref in event_def.form_refs:
            form_def = version.form(ref.form_oid)
            name = form_def.name if form_def else ref.form_oid
            seen.add((event_def.oid, ref.form_oid))
            forms = by_key.get((event_def.oid, ref.form_oid)) or [None]
            found.extend(CasebookForm(event_def.name, name, form, _rows(form) if form else []) for form in forms)
    for (event_oid, form_oid), forms in by_key.items():
        if (event_oid, form_oid) not in seen:
            found.extend(CasebookForm(event_oid, form_oid, form, _rows(form)) for form in forms)
    return found


@dataclass
class SubjectReview:
    subject: Subject
    forms: list[FormInstance]
    signature: str                       # "unsigned", "signed" or "stale"

    @property
    def complete(self) -> int:
        return sum(1 for form in self.forms if form.state == "complete")

    @property
    def verified(self) -> int:
        return sum(1 for form in self.forms if form.verified_at is not None)


def subject_reviews(subjects: list[Subject]) -> list[SubjectReview]:
    """The review state of each subject on a page: its forms (one query) and its signature."""
    ids = [subject.id for subject in subjects]
    forms: dict[int, list[FormInstance]] = {}
    if ids:
        for form in tool().db_session().scalars(select(FormInstance).where(FormInstance.subject_id.in_(ids))
                                                .order_by(FormInstance.event_id, FormInstance.id)):
            forms.setdefault(form.subject_id, []).append(form)
    return [SubjectReview(subject, forms.get(subject.id, []), casebook_signature(subject)) for subject in subjects]


def incomplete_forms(study, subject: Subject) -> list[CasebookForm]:
    """The forms of the schedule the subject has not completed: the investigator signs a
    casebook whose forms are complete (the page says so beside the signature block)."""
    return [entry for entry in casebook(study, subject) if not entry.complete]
