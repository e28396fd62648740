"""A subject's event schedule: the protocol's events in order, each occurrence with its forms
and their state (not started, in progress, complete, verified, frozen, locked); adding an
occurrence of a repeating or unscheduled event."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from sdk import tool

from ..domain.metadata import MetaDataVersion, StudyEventDef
from ..models import FormInstance, Study, StudyEvent, Subject
from .definitions import definition
from .errors import EdcInputError, LockedError
from .studies import published_version

FORM_STATE_LABELS = {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete",
                     "verified": "Verified", "frozen": "Frozen", "locked": "Locked"}
#: the states that count as done in a subject's progress
DONE_STATES = ("complete", "verified", "frozen", "locked")


def form_state(form: FormInstance | None) -> str:
    if form is None:
        return "not_started"
    if form.locked:
        return "locked"
    if form.frozen:
        return "frozen"
    if form.verified_at is not None:
        return "verified"
    return "complete" if form.state == "complete" else "in_progress"


@dataclass
class FormSlot:
    form_oid: str
    name: str
    state: str
    form: FormInstance | None

    @property
    def state_label(self) -> str:
        return FORM_STATE_LABELS[self.state]


@dataclass
class Occurrence:
    event_def: StudyEventDef
    repeat: int
    forms: list[FormSlot] = field(default_factory=list)


@dataclass
class EventLine:
    """One event of the protocol for one subject: its occurrences so far (a scheduled event
    always has its first) and whether another may be added."""

    event_def: StudyEventDef
    occurrences: list[Occurrence]

    @property
    def can_add(self) -> bool:
        return self.event_def.repeating or (self.event_def.type == "Unscheduled" and not self.occurrences)


def protocol_events(version: MetaDataVersion) -> list[StudyEventDef]:
    """The version's events in protocol order (events the protocol leaves out come last)."""
    refs = sorted(version.protocol, key=lambda r: (r.order is None, r.order or 0))
    ordered = [version.event(r.study_event_oid) for r in refs]
    ordered = [event for event in ordered if event is not None]
    return ordered + [event for event in version.events if event not in ordered]


def schedule_version(study: Study) -> MetaDataVersion | None:
    row = published_version(study)
    return definition(row) if row is not None else None


def schedule(study: Study, subject: Subject) -> list[EventLine]:
    version = schedule_version(study)
    if version is None:
        return []
    session = tool().db_session()
    events = session.scalars(select(StudyEvent).where(StudyEvent.subject_id == subject.id)).all()
    forms = {(f.event_id, f.form_oid, f.repeat_key): f for f in
             session.scalars(select(FormInstance).where(FormInstance.subject_id == subject.id))}
    lines = []
    for event_def in protocol_events(version):
        repeats = sorted(e.repeat_key for e in events if e.event_oid == event_def.oid)
        by_repeat = {e.repeat_key: e for e in events if e.event_oid == event_def.oid}
        if not repeats and event_def.type != "Unscheduled":
            repeats = [1]
        occurrences = []
        for repeat in repeats:
            occurrence = Occurrence(event_def, repeat)
            event = by_repeat.get(repeat)
            for ref in sorted(event_def.form_refs, key=lambda r: (r.order is None, r.order or 0)):
                form_def = version.form(ref.form_oid)
                form = forms.get((event.id, ref.form_oid, 1)) if event is not None else None
                occurrence.forms.append(FormSlot(ref.form_oid, form_def.name if form_def else ref.form_oid,
                                                 form_state(form), form))
            occurrences.append(occurrence)
        lines.append(EventLine(event_def, occurrences))
    return lines


def progress(study: Study, subjects: list[Subject]) -> dict[int, tuple[int, int]]:
    """Subject id -> (forms done, forms expected so far) over the scheduled events and the
    occurrences entered, in one query for the list."""
    version = schedule_version(study)
    if version is None or not subjects:
        return {subject.id: (0, 0) for subject in subjects}
    session = tool().db_session()
    ids = [subject.id for subject in subjects]
    done = dict(session.execute(
        select(FormInstance.subject_id, func.count()).where(FormInstance.subject_id.in_(ids))
        .where((FormInstance.state == "complete") | FormInstance.locked | FormInstance.frozen
               | FormInstance.verified_at.is_not(None))
        .group_by(FormInstance.subject_id)).all())
    occurrences = session.execute(select(StudyEvent.subject_id, StudyEvent.event_oid, func.count())
                                  .where(StudyEvent.subject_id.in_(ids))
                                  .group_by(StudyEvent.subject_id, StudyEvent.event_oid)).all()
    counted: dict[int, dict[str, int]] = {}
    for subject_id, event_oid, count in occurrences:
        counted.setdefault(subject_id, {})[event_oid] = count
    found = {}
    for subject_id in ids:
        expected = 0
        for event_def in version.events:
            times = counted.get(subject_id, {}).get(event_def.oid, 0)
            if event_def.type != "Unscheduled":
                times = max(times, 1)
            expected += times * len(event_def.form_refs)
        found[subject_id] = (done.get(subject_id, 0), expected)
    return found


def add_occurrence(study: Study, subject: Subject, event_oid: str) -> StudyEvent:
    """Add the next occurrence of a repeating event, or the first of an unscheduled one."""
    if study.state != "open" or subject.locked or subject.frozen:
        raise LockedError(f"Subject {subject.subject_key}'s data cannot change now.")
    version = schedule_version(study)
    event_def = version.event(event_oid) if version is not None else None
    if event_def is None:
        raise EdcInputError([(None, f"The study has no event {event_oid}.")])
    session = tool().db_session()
    last = session.scalar(select(func.max(StudyEvent.repeat_key)).where(
        StudyEvent.subject_id == subject.id, StudyEvent.event_oid == event_oid)) or 0
    shown = max(last, 0 if event_def.type == "Unscheduled" else 1)  # a scheduled event's first is always listed
    if not event_def.repeating and shown:
        raise EdcInputError([(None, f"{event_def.name} happens once.")])
    event = StudyEvent(study_id=subject.study_id, site_id=subject.site_id, subject_id=subject.id,
                       event_oid=event_oid, repeat_key=shown + 1)
    session.add(event)
    session.flush()
    return event
