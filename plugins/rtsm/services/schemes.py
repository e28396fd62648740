"""Randomization scheme versions and their sealed lists.

A version's seed comes from the operating system's CSPRNG and is stored sealed by the tool's
vault; so is each stratum's list (``StratumList``), generated from the seed when the stratum is
first used and extended, prefix-stable, when it runs out. Reading a list re-checks its SHA-256,
so a list changed in the database is refused rather than used. ``list_sha256`` of a version
fingerprints the lists of every stratum known when it was made (the same seed always gives the
same fingerprint).

Simulations never use a study's real seed: a preview must not reveal the list.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select

from sdk import tool

from ..domain.lists import ListEntry, generate_list, list_sha256, new_seed
from ..domain.schemes import SchemeConfig, SchemeProblems, enrollment_problem, parse_scheme, strata_of
from ..domain.simulation import SimulationResult
from ..domain.simulation import simulate as simulate_config
from ..models import Arm, Scheme, StratumList, Study, StudySite
from . import current_user_id
from .errors import RtsmInputError

#: subjects × trials one request may simulate: about 1.5 s of one worker (the domain allows 5
#: million, which would hold a worker for over a minute)
SIMULATION_BUDGET = 100_000


class ListTampered(RuntimeError):
    """A stored list whose entries no longer match its SHA-256: never used to randomize."""


def _arms(study: Study) -> list[dict]:
    rows = tool().db_session().scalars(select(Arm).where(Arm.study_id == study.id).order_by(Arm.position))
    return [{"code": arm.code, "name": arm.name, "ratio": arm.ratio} for arm in rows]


def site_codes(study: Study) -> list[str]:
    """The codes of the study's sites this organization sees (all of them for the owner)."""
    return list(tool().db_session().scalars(
        select(StudySite.code).where(StudySite.study_id == study.id).order_by(StudySite.code)))


def parse_for(study: Study, scheme: dict) -> SchemeConfig:
    """``scheme`` checked against the study's arms and sites; RtsmInputError names every problem."""
    try:
        return parse_scheme(_arms(study), site_codes(study), scheme)
    except SchemeProblems as refused:
        raise RtsmInputError(refused.problems) from None


def fingerprint(config: SchemeConfig, seed: bytes, sites: list[str]) -> str:
    """SHA-256 over each known stratum's list (``list_length`` entries), "" for minimization."""
    if config.type == "minimization":
        return ""
    rows = [[stratum, list_sha256(generate_list(config, seed, stratum, config.list_length))]
            for stratum in strata_of(config, sites)]
    return hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()


def new_version(study: Study, scheme: dict, *, seed: bytes | None = None) -> Scheme:
    """A new scheme version of the study (the one in use from now on); flushed.

    ``seed`` is for reproducing a version (tests, a re-issue); by default a fresh one is drawn.
    Refused when the study randomizes on EDC enrollment and the scheme needs other factors."""
    config = parse_for(study, scheme)
    if study.randomize_on_enrollment and enrollment_problem(config):
        raise RtsmInputError([("scheme", enrollment_problem(config) + " Turn randomization on enrollment off first.")])
    session = tool().db_session()
    seed = new_seed() if seed is None else seed
    number = (session.scalar(select(func.max(Scheme.version)).where(Scheme.study_id == study.id)) or 0) + 1
    row = Scheme(study_id=study.id, version=number, type=config.type, config=config.to_json(),
                 seed_sealed=tool().vault.seal(seed), list_sha256=fingerprint(config, seed, site_codes(study)),
                 created_by_id=current_user_id())
    session.add(row)
    session.flush()
    return row


def current(study: Study) -> Scheme:
    """The version in use: the newest."""
    return tool().db_session().scalar(
        select(Scheme).where(Scheme.study_id == study.id).order_by(Scheme.version.desc()).limit(1))


def versions(study: Study) -> list[Scheme]:
    return list(tool().db_session().scalars(select(Scheme).where(Scheme.study_id == study.id)
                                            .order_by(Scheme.version)))


def config_of(scheme: Scheme) -> SchemeConfig:
    return SchemeConfig.from_json(scheme.config)


def seed_of(scheme: Scheme) -> bytes:
    """The version's seed, unsealed (randomization only: never shown, never logged)."""
    return tool().vault.unseal(scheme.seed_sealed)


def _seal(entries: list[ListEntry]) -> str:
    return tool().vault.seal(json.dumps([[e.arm, e.block, e.block_size] for e in entries]).encode())


def _unseal(row: StratumList) -> list[ListEntry]:
    rows = json.loads(tool().vault.unseal(row.entries_sealed))
    entries = [ListEntry(i, arm, block, size) for i, (arm, block, size) in enumerate(rows)]
    if len(entries) != row.length or list_sha256(entries) != row.sha256:
        raise ListTampered(f"The randomization list of stratum {row.stratum!r} does not match its SHA-256.")
    return entries


def stratum_list(scheme: Scheme, stratum: str) -> StratumList:
    """The stratum's stored list row, generated from the seed (``list_length`` entries) and
    stored sealed when the stratum is first used. Call it with the scheme locked (randomize)."""
    session = tool().db_session()
    row = session.scalar(select(StratumList).where(StratumList.scheme_id == scheme.id,
                                                   StratumList.stratum == stratum))
    if row is None:
        config = config_of(scheme)
        entries = generate_list(config, seed_of(scheme), stratum, config.list_length)
        row = StratumList(study_id=scheme.study_id, scheme_id=scheme.id, stratum=stratum, length=len(entries),
                          entries_sealed=_seal(entries), sha256=list_sha256(entries), used=0)
        session.add(row)
        session.flush()
    return row


def entry_at(scheme: Scheme, stratum: str, position: int) -> ListEntry:
    """The list entry at ``position`` (from 0) of the stratum: the stored list re-checked against
    its SHA-256, extended from the seed (to at least twice its length) when ``position`` is past
    its end; the extension keeps every existing entry (checked)."""
    row = stratum_list(scheme, stratum)
    entries = _unseal(row)
    if position >= len(entries):
        config = config_of(scheme)
        longer = generate_list(config, seed_of(scheme), stratum, max(2 * len(entries), position + 1,
                                                                     config.list_length))
        if longer[: len(entries)] != entries:
            raise ListTampered(f"The list of stratum {stratum!r} does not extend its stored prefix.")
        row.entries_sealed, row.length, row.sha256 = _seal(longer), len(longer), list_sha256(longer)
        tool().db_session().flush()
        entries = longer
    return entries[position]


def take_next(scheme: Scheme, stratum: str) -> ListEntry:
    """The stratum's next unused entry, marked used. Call it with the scheme locked."""
    row = stratum_list(scheme, stratum)
    entry = entry_at(scheme, stratum, row.used)
    row.used += 1
    tool().db_session().flush()
    return entry


def simulate(study_or_config: Study | SchemeConfig, subjects: int, trials: int = 1, *,
             sites: list[str] | None = None) -> SimulationResult:
    """The scheme's balance over ``trials`` simulated trials of ``subjects`` subjects (a fresh
    seed each time, never the study's): the study's current scheme and sites, or a config (a
    proposed scheme, see :func:`preview`) with ``sites``. Limits refused as RtsmInputError."""
    if subjects * trials > SIMULATION_BUDGET:
        raise RtsmInputError([("trials", f"Simulate at most {SIMULATION_BUDGET:,} subjects in all (subjects × trials; "
                                         f"{subjects * trials:,} asked): fewer trials give the same picture.")])
    if isinstance(study_or_config, Study):
        config, sites = config_of(current(study_or_config)), site_codes(study_or_config)
    else:
        config, sites = study_or_config, list(sites or [])
    try:
        return simulate_config(config, sites, subjects, trials=trials)
    except ValueError as exc:
        raise RtsmInputError([("trials" if "trials" in str(exc) else "subjects", str(exc))]) from None


def preview(study: Study, scheme: dict, subjects: int, trials: int = 1) -> SimulationResult:
    """Simulate a proposed scheme (not saved) on the study's arms and sites: the set-up page's
    preview. Its problems are refused as RtsmInputError, as :func:`new_version` would."""
    return simulate(parse_for(study, scheme), subjects, trials, sites=site_codes(study))
