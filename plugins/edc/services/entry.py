"""Enrolling subjects and entering their forms: edit checks on save (hard checks refuse, soft
ones come back as warnings the cleaning raises queries for), branching and calculations from the
metadata, a reason for every change after the first save, nothing saved when anything is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from sdk import tool
from sdk.audit import ReasonRequiredError, reason_for_change

from ..domain.metadata import NULL_FLAVOURS, MetaDataVersion
from ..domain.values import check_value
from ..models import FormInstance, ItemValue, MetadataVersion, Study, StudyEvent, StudySite, Subject
from . import current_user_id, events
from .definitions import definition
from .errors import EdcInputError, LockedError
from .layout import calculated, is_shown, slots
from .review import after_data_change
from .studies import published_version

SUBJECT_KEY_LIMIT = 60
#: the most rows a repeating item group takes in one form
MAX_ROWS = 200


def enroll(study: Study, site: StudySite, subject_key: str) -> Subject:
    problems = EdcInputError()
    key = (subject_key or "").strip()
    if study.state != "open":
        raise LockedError(f"{study.name} is {study.state}: no subject can be enrolled.")
    if not key:
        problems.add("subject_key", "Enter the subject's number, for example 101-001.")
    elif len(key) > SUBJECT_KEY_LIMIT:
        problems.add("subject_key", f"Keep the subject number to {SUBJECT_KEY_LIMIT} characters.")
    elif tool().db_session().scalar(select(Subject.id).where(Subject.study_id == study.id,
                                                              Subject.subject_key == key)):
        problems.add("subject_key", f"The study has a subject {key} already.")
    if site is None or site.study_id != study.id:
        problems.add("site_id", "Choose one of the study's sites.")
    if published_version(study) is None:
        problems.add(None, "Publish a version of the study's definition before enrolling subjects.")
    problems.raise_if_any()
    subject = Subject(study_id=study.id, site_id=site.id, subject_key=key,
                      enrolled_by_id=current_user_id())
    tool().db_session().add(subject)
    tool().db_session().flush()
    events.subject_enrolled(study, site, subject)
    return subject


def event_values(subject: Subject, version: MetaDataVersion) -> dict[str, dict[str, str]]:
    """The subject's stored values by event OID, then variable (the first occurrence of a
    repeating event or group); checkbox values as stored ("1,3")."""
    rows = tool().db_session().execute(
        select(StudyEvent.event_oid, ItemValue.item_oid, ItemValue.value)
        .join(FormInstance, FormInstance.id == ItemValue.form_id)
        .join(StudyEvent, StudyEvent.id == FormInstance.event_id)
        .where(FormInstance.subject_id == subject.id, StudyEvent.repeat_key == 1, ItemValue.group_repeat == 1))
    found: dict[str, dict[str, str]] = {}
    for event_oid, item_oid, value in rows:
        item = version.item(item_oid)
        if item is not None and item.variable and value is not None:
            found.setdefault(event_oid, {})[item.variable] = value
    return found


def lookup_in(values_by_event: dict, version: MetaDataVersion):
    """The expressions' cross-event lookup: an event named by OID or by name."""
    names = {event.name: event.oid for event in version.events}

    def lookup(event: str, variable: str):
        return values_by_event.get(names.get(event, event), {}).get(variable)
    return lookup


@dataclass
class SaveResult:
    form: FormInstance
    #: soft problems (field name, message): the cleaning raises a query for each
    warnings: list[tuple[str, str]] = field(default_factory=list)
    changed: int = 0


def _check_open(study: Study, subject: Subject, form: FormInstance | None) -> None:
    if study.state != "open":
        raise LockedError(f"{study.name} is {study.state}: its data cannot change.")
    if subject.locked or subject.frozen:
        raise LockedError(f"Subject {subject.subject_key} is {'locked' if subject.locked else 'frozen'}: "
                          "its data cannot change.")
    if form is not None and (form.locked or form.frozen):
        raise LockedError(f"This form is {'locked' if form.locked else 'frozen'}: unlock it to change it.")


def event_of(subject: Subject, event_oid: str, repeat: int, *, create: bool) -> StudyEvent | None:
    event = tool().db_session().scalar(select(StudyEvent).where(
        StudyEvent.subject_id == subject.id, StudyEvent.event_oid == event_oid, StudyEvent.repeat_key == repeat))
    if event is None and create:
        event = StudyEvent(study_id=subject.study_id, site_id=subject.site_id, subject_id=subject.id,
                           event_oid=event_oid, repeat_key=repeat)
        tool().db_session().add(event)
        tool().db_session().flush()
    return event


def form_of(event: StudyEvent | None, form_oid: str, repeat: int) -> FormInstance | None:
    if event is None:
        return None
    return tool().db_session().scalar(select(FormInstance).where(
        FormInstance.event_id == event.id, FormInstance.form_oid == form_oid, FormInstance.repeat_key == repeat))


def stored_values(form: FormInstance | None) -> dict[tuple[str, int, str], ItemValue]:
    if form is None:
        return {}
    rows = tool().db_session().scalars(select(ItemValue).where(ItemValue.form_id == form.id))
    return {(row.group_oid, row.group_repeat, row.item_oid): row for row in rows}


def version_for(study: Study, form: FormInstance | None) -> MetadataVersion:
    """The version a form is shown and saved under: its own once entered, else the published one."""
    if form is not None:
        return form.version
    version = published_version(study)
    if version is None:
        raise EdcInputError([(None, "The study has no published version yet.")])
    return version


@dataclass
class FormContext:
    """One form of one subject's event as the page, the preview and the save see it."""

    event: StudyEvent | None
    form: FormInstance | None
    version_row: MetadataVersion
    version: MetaDataVersion
    form_def: object
    stored: dict
    layout: list
    by_event: dict


def form_context(study: Study, subject: Subject, event_oid: str, form_oid: str, posted=None, *,
                 event_repeat: int = 1, form_repeat: int = 1, extra_rows: dict | None = None) -> FormContext:
    """The form's instance (if entered), version, stored values and layout: a repeating group
    has as many rows as stored or posted (``GROUP__n__ITEM`` names), plus ``extra_rows``."""
    event = event_of(subject, event_oid, event_repeat, create=False)
    form = form_of(event, form_oid, form_repeat)
    row = version_for(study, form)
    version = definition(row)
    form_def = version.form(form_oid)
    event_def = version.event(event_oid)
    if form_def is None or event_def is None or form_oid not in {r.form_oid for r in event_def.form_refs}:
        raise EdcInputError([(None, f"The study's version {row.name} has no form {form_oid} at {event_oid}.")])
    if event is None and event_repeat != 1:
        raise EdcInputError([(None, f"Subject {subject.subject_key} has no occurrence {event_repeat} of "
                                    f"{event_def.name}: add it from the subject's schedule first.")])
    stored = stored_values(form)
    repeats: dict[str, int] = {}
    for group_oid, group_repeat, _ in stored:
        repeats[group_oid] = max(repeats.get(group_oid, 1), group_repeat)
    for name in posted or {}:
        parts = str(name).split("__")
        if len(parts) >= 3 and parts[1].isdigit():
            repeats[parts[0]] = max(repeats.get(parts[0], 1), min(int(parts[1]), MAX_ROWS))
    for group_oid, more in (extra_rows or {}).items():
        repeats[group_oid] = min(repeats.get(group_oid, 1) + more, MAX_ROWS)
    return FormContext(event, form, row, version, form_def, stored, slots(version, form_def, repeats),
                       event_values(subject, version))


def posted_text(posted, slot) -> tuple[str | None, str | None]:
    """The slot's posted text (checkbox codes joined with ",") and null flavour code."""
    raw = posted.get(slot.name)
    if isinstance(raw, (list, tuple)):
        raw = ",".join(raw)
    null = (posted.get(f"{slot.name}__null") or "").strip() or None
    return raw, null


def branching_values(context: FormContext, event_oid: str, posted) -> tuple[dict, object]:
    """The values branching and calculations read while the form is being filled in: stored
    ones of the subject's events, overlaid with what is posted (as far as it reads; text
    that does not check out is taken as typed), then the calculations. Returns (values, lookup)."""
    values = dict(context.by_event.get(event_oid, {}))
    for slot in context.layout:
        if slot.calculation or slot.item.control == "descriptive" or slot.repeat != 1:
            continue
        raw, _ = posted_text(posted, slot)
        check = check_value(slot.item, raw, slot.codelist)
        values[slot.item.variable] = (check.value if check.ok else (raw or "").strip()) or ""
    lookup = lookup_in(context.by_event, context.version)
    for slot in context.layout:
        if slot.calculation and slot.repeat == 1:
            values[slot.item.variable] = calculated(slot, values, lookup=lookup) or ""
    return values, lookup


def save_form(study: Study, subject: Subject, event_oid: str, form_oid: str, posted, *, reason: str = "",
              event_repeat: int = 1, form_repeat: int = 1, complete: bool = False) -> SaveResult:
    """Save one form of one subject's event from ``posted`` (field name -> text; ``<name>__null``
    -> a null flavour). Refuses everything (EdcInputError, every problem named) when a hard
    check fails; unchanged values are left alone; changed ones need ``reason``."""
    event = event_of(subject, event_oid, event_repeat, create=False)
    _check_open(study, subject, form_of(event, form_oid, form_repeat))
    context = form_context(study, subject, event_oid, form_oid, posted, event_repeat=event_repeat,
                           form_repeat=form_repeat)
    form, layout, by_event, version = context.form, context.layout, context.by_event, context.version
    values = dict(by_event.get(event_oid, {}))
    entered: dict[tuple, tuple[str | None, str | None]] = {}
    problems, warnings = EdcInputError(), []
    for slot in layout:
        if slot.calculation or slot.item.control == "descriptive":
            continue
        raw, null = posted_text(posted, slot)
        if null is not None and null not in NULL_FLAVOURS:
            problems.add(slot.name, "Choose why the value is missing from the list.")
            continue
        check = check_value(slot.item, null if null and not (raw or "").strip() else raw, slot.codelist,
                            required=complete and slot.ref.mandatory)
        for problem in check.problems:
            (problems.add(slot.name, problem.message) if problem.hard else warnings.append((slot.name, problem.message)))
        if check.ok:
            entered[slot.key] = (check.value, check.null_flavour)
            if slot.repeat == 1:
                values[slot.item.variable] = check.value or ""
    problems.raise_if_any()
    lookup = lookup_in(by_event, version)
    for slot in layout:
        if slot.calculation:
            entered[slot.key] = (calculated(slot, values, lookup=lookup), None)
            if slot.repeat == 1:
                values[slot.item.variable] = entered[slot.key][0] or ""
    shown = {slot.key for slot in layout if is_shown(slot, values, lookup=lookup)}
    return _write(study, subject, event_oid, event_repeat, form_oid, form_repeat, form, context.version_row,
                  context.stored, {key: value for key, value in entered.items() if key in shown}, reason,
                  complete, warnings)


def _write(study, subject, event_oid, event_repeat, form_oid, form_repeat, form, version_row, stored, entered,
           reason, complete, warnings) -> SaveResult:
    session = tool().db_session()
    try:
        with reason_for_change(reason.strip() or None):
            event = event_of(subject, event_oid, event_repeat, create=True)
            if form is None:
                form = FormInstance(study_id=study.id, site_id=subject.site_id, subject_id=subject.id,
                                    event_id=event.id, form_oid=form_oid, repeat_key=form_repeat,
                                    version_id=version_row.id)
                session.add(form)
                session.flush()
            changed = 0
            for key, (value, null) in entered.items():
                row = stored.get(key)
                if row is None:
                    if value is None and null is None:
                        continue
                    session.add(ItemValue(study_id=study.id, site_id=subject.site_id, form_id=form.id,
                                          group_oid=key[0], group_repeat=key[1], item_oid=key[2], value=value,
                                          null_flavour=null))
                    changed += 1
                elif (row.value, row.null_flavour) != (value, null):
                    row.value, row.null_flavour = value, null
                    changed += 1
            new_state = "complete" if complete else form.state
            completed = form.state != new_state and new_state == "complete"
            if form.state != new_state:
                form.state = new_state
            if changed:
                after_data_change(form)  # the verification no longer holds; the casebook signature goes stale
            session.flush()
            if completed:
                events.form_completed(study, subject, form)
    except ReasonRequiredError:
        session.rollback()
        raise EdcInputError([("reason", "Say why you change data that was saved before (the reason for change "
                                        "goes to the audit trail).")]) from None
    return SaveResult(form, warnings, changed)
