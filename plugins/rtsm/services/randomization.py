"""Randomizing a subject: atomic, once per subject, audited, announced without the arm.

Claiming the next slot is serialized by locking the version in use and counting the
randomization on it (``randomized + 1``), the first write of the transaction: on PostgreSQL a
row lock (``SELECT ... FOR UPDATE``) held until commit, on SQLite the database's write lock
(taken by the UPDATE with the busy timeout the host sets, so concurrent requests wait their turn
instead of failing). The change goes through the ORM, because the host refuses unaudited bulk
updates. Everything read after it (the subject's earlier randomization, the stratum's next list
slot, minimization's counts, the next randomization number) is therefore what the previous
randomization committed.

A site organization sees only its own site's allocations, yet a randomization number is
study-wide and minimization balances over every site: those two figures are read in the study
owner's scope (column values only, nothing of another site is returned to the caller).
"""
from __future__ import annotations

from sqlalchemy import func, select

from sdk import org_scope, tool, utcnow

from ..domain.minimization import MarginalCounts, choose_arm, rng_for
from ..domain.schemes import SchemeConfig, factor_problems, stratum_key, subject_levels
from ..models import Allocation, Scheme, Study, StudySite
from . import current_user_id, dispensing, events, schemes
from .errors import RtsmInputError

MAX_SUBJECT = 60
SOURCES = ("page", "api", "edc")
#: what the person confirms before a subject is randomized (recorded with the randomization)
ELIGIBILITY = "The subject meets every inclusion criterion and no exclusion criterion"
#: a subject edc enrolled passed screening there: its eligibility is the enrollment's
ENROLLED_IN_EDC = "Enrolled in EDC after screening"


def find(study: Study, subject: str) -> Allocation | None:
    """The subject's randomization, as far as the current organization sees (its own site's)."""
    return tool().db_session().scalar(
        select(Allocation).where(Allocation.study_id == study.id, Allocation.subject == subject))


def allocations(study: Study) -> list[Allocation]:
    """The study's randomizations this organization sees, in randomization-number order."""
    return list(tool().db_session().scalars(
        select(Allocation).where(Allocation.study_id == study.id).order_by(Allocation.sequence)))


def _claim(scheme: Scheme) -> Scheme:
    """Lock the version in use and count this randomization on it: the first write of the
    transaction (a row lock on PostgreSQL, taken by the SELECT ... FOR UPDATE; the database's
    write lock on SQLite, taken by the UPDATE). Through the ORM, so the change is audited."""
    session = tool().db_session()
    locked = session.scalar(select(Scheme).where(Scheme.id == scheme.id).with_for_update()
                            .execution_options(populate_existing=True))
    locked.randomized += 1
    session.flush()
    return locked


def _settle(study: Study, scheme: Scheme, *, adding: int) -> None:
    """Set the version's counter to its randomizations (plus ``adding``), read under the lock.
    On SQLite two requests may both have read the old count before one of them locked; this
    puts the right number back (it changes nothing in the usual case)."""
    with org_scope(study.org_id):
        made = tool().db_session().scalar(select(func.count(Allocation.id)).where(Allocation.scheme_id == scheme.id))
    if scheme.randomized != made + adding:
        scheme.randomized = made + adding
        tool().db_session().flush()


def _subject_problems(study: Study, subject, site: StudySite | None, *, system: bool) -> RtsmInputError:
    problems = RtsmInputError()
    if not isinstance(subject, str) or not subject.strip():
        problems.add("subject", "Enter the subject's identifier.")
    elif len(subject.strip()) > MAX_SUBJECT:
        problems.add("subject", f"Keep the subject identifier to {MAX_SUBJECT} characters.")
    if site is None or site.study_id != study.id:
        problems.add("site", "Choose one of the study's sites where you may randomize.")
    elif not system and not tool().can("randomize", site):
        problems.add("site", f"You may not randomize at site {site.code}: choose one of your sites.")
    return problems


def _factor_problems(config: SchemeConfig, site: StudySite, factors) -> list[tuple[str, str]]:
    if not isinstance(factors, dict) or not all(isinstance(v, str) for v in factors.values()):
        return [("factors", "factors must map each factor name to its level (text), e.g. {\"sex\": \"F\"}.")]
    return factor_problems(config, site.code, factors)


def _randomized_elsewhere(study: Study, subject: str) -> bool:
    """Whether the subject was randomized at a site the current organization does not see."""
    with org_scope(study.org_id):
        return tool().db_session().scalar(select(func.count(Allocation.id)).where(
            Allocation.study_id == study.id, Allocation.subject == subject)) > 0


def _next_sequence(study: Study) -> int:
    with org_scope(study.org_id):
        return (tool().db_session().scalar(
            select(func.max(Allocation.sequence)).where(Allocation.study_id == study.id)) or 0) + 1


def _minimization_counts(study: Study, scheme: Scheme, config: SchemeConfig) -> MarginalCounts:
    """Every site's subjects under this version, as (factor levels, arm): read in the owner's
    scope as plain columns, used only to choose the arm."""
    with org_scope(study.org_id):
        rows = tool().db_session().execute(
            select(Allocation.factors, Allocation.arm_code, StudySite.code)
            .join(StudySite, StudySite.id == Allocation.site_id)
            .where(Allocation.study_id == study.id, Allocation.scheme_id == scheme.id)).all()
    return MarginalCounts.from_allocations(
        (subject_levels(config, site_code, factors), arm) for factors, arm, site_code in rows)


def _choose(study: Study, scheme: Scheme, config: SchemeConfig, site: StudySite, factors: dict,
            sequence: int) -> tuple[str, str, int | None]:
    """(arm, stratum, list position) for the subject."""
    if config.type == "minimization":
        levels = subject_levels(config, site.code, factors)
        counts = _minimization_counts(study, scheme, config)
        choice = choose_arm(config, counts, levels, rng_for(schemes.seed_of(scheme), sequence))
        return choice.arm, "", None
    stratum = stratum_key(config, site.code, factors)
    entry = schemes.take_next(scheme, stratum)
    return entry.arm, stratum, entry.position


def randomize(study: Study, *, subject: str, site: StudySite | None, factors: dict | None,
              source: str = "page", eligible: bool = True) -> tuple[Allocation, bool]:
    """Randomize ``subject`` at ``site`` with its stratification ``factors``; (allocation, created).

    A subject already randomized in the study gets its first randomization back (created False:
    the API answers 200), whoever asks again. Otherwise the next slot is claimed atomically (see
    the module), the arm chosen by the scheme in use, a kit assigned when the study has a kit
    list, the randomization flushed (audited without its arm) and ``rtsm.subject_randomized``
    emitted. Every problem is named in one RtsmInputError; nothing is written then (the caller
    rolls back). ``source`` "edc" is the system acting on an enrollment event: no person, so no
    site permission to check. ``eligible`` is the person's confirmation of :data:`ELIGIBILITY`
    (refused when False), kept in the randomization's history. Not committed.
    """
    system = source == "edc"
    factors = factors if factors is not None else {}
    problems = _subject_problems(study, subject, site, system=system)
    if not eligible:
        problems.add("eligible", "Confirm that the subject meets every inclusion criterion and no exclusion "
                                 "criterion: an ineligible subject is not randomized.")
    if site is not None and site.study_id == study.id:
        problems.items.extend(_factor_problems(schemes.config_of(schemes.current(study)), site, factors))
    problems.raise_if_any()
    subject = subject.strip()
    existing = find(study, subject)
    if existing is not None:
        return _same_site_or_refuse(existing, site), False
    scheme = _claim(schemes.current(study))
    existing = find(study, subject)
    if existing is not None:
        _settle(study, scheme, adding=0)
        return _same_site_or_refuse(existing, site), False
    if _randomized_elsewhere(study, subject):
        raise RtsmInputError([("subject", f"Subject {subject} was randomized at another site already.")])
    config = schemes.config_of(scheme)
    RtsmInputError(_factor_problems(config, site, factors)).raise_if_any()  # a version made meanwhile
    _settle(study, scheme, adding=1)
    sequence = _next_sequence(study)
    arm, stratum, position = _choose(study, scheme, config, site, factors, sequence)
    allocation = Allocation(
        study_id=study.id, scheme_id=scheme.id, site_id=site.id, subject=subject, sequence=sequence,
        stratum=stratum, list_position=position, arm_code=arm,
        factors={name: value for name, value in factors.items() if name != "site"},
        source=source if source in SOURCES else "page", randomized_at=utcnow(), randomized_by_id=current_user_id())
    session = tool().db_session()
    session.add(allocation)
    session.flush()
    kit = dispensing.assign_kit(allocation)
    session.flush()
    _record_eligibility(allocation, ENROLLED_IN_EDC if system else ELIGIBILITY)
    events.subject_randomized(study, allocation, kit)
    return allocation, True


def _record_eligibility(allocation: Allocation, statement: str) -> None:
    """In the owner's trail, where the allocation's history is read (a site organization's too)."""
    with org_scope(allocation.org_id):
        tool().audit.record(entity_type="allocation", entity_id=str(allocation.id), action="eligibility_confirmed",
                            changes={"eligibility": [None, statement]})


def _same_site_or_refuse(existing: Allocation, site: StudySite) -> Allocation:
    if existing.site_id != site.id:
        raise RtsmInputError([("site", f"Subject {existing.subject} was randomized at site "
                                       f"{existing.site.code}, not {site.code}.")])
    return existing
