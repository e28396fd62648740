"""Counting a binder's completeness against what its milestones expect: plain rows in, counts
out (no database, no Flask).

The rules, for one expected artifact (at a site, or at trial level for a trial milestone):

- **filed**: a document of that artifact exists at that site (a trial milestone: at trial or
  country level) with at least one version, whatever its status;
- **QC-passed**: one of those documents has a version that passed QC (it was approved: it is
  approved or effective, or was later superseded by a newer approved version or archived at
  the study's close). A newer draft in progress does not undo an approval;
- **missing**: not filed, whatever the date;
- **overdue**: not QC-passed and due before ``today`` (a document filed but still in QC after
  its due date is overdue; it is not missing). Moving a milestone's date moves the due dates,
  so it changes what is overdue, never what is missing;
- **completeness** = QC-passed / expected; **timeliness** = of the filed expectations, the share
  whose first version was uploaded on or before the due date.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

TRIAL_LEVEL = "Trial level"


@dataclass(frozen=True)
class ExpectedRow:
    id: int
    artifact: str
    artifact_name: str
    zone: str
    zone_name: str
    #: None for a trial milestone
    site_id: int | None
    #: the site's number and name ("" at trial level)
    site_code: str
    site_label: str
    due_on: date
    milestone: str
    owner_id: int | None = None


@dataclass(frozen=True)
class FiledRow:
    """One document with at least one version: where it is and how far it got."""

    artifact: str
    #: None for a trial- or country-level document
    site_id: int | None
    first_uploaded_on: date
    qc_passed: bool


@dataclass(frozen=True)
class ExpectationState:
    row: ExpectedRow
    filed: bool
    qc_passed: bool
    overdue: bool
    first_filed_on: date | None

    @property
    def on_time(self) -> bool:
        return self.first_filed_on is not None and self.first_filed_on <= self.row.due_on


@dataclass
class Counts:
    expected: int = 0
    filed: int = 0
    qc_passed: int = 0
    overdue: int = 0
    missing: int = 0
    filed_on_time: int = 0

    def add(self, state: ExpectationState) -> None:
        self.expected += 1
        self.filed += state.filed
        self.qc_passed += state.qc_passed
        self.overdue += state.overdue
        self.missing += not state.filed
        self.filed_on_time += state.filed and state.on_time

    @property
    def completeness(self) -> float | None:
        """QC-passed / expected, 0 to 100 (None when nothing is expected)."""
        return round(100 * self.qc_passed / self.expected, 1) if self.expected else None

    @property
    def timeliness(self) -> float | None:
        """Filed on time / filed, 0 to 100 (None when nothing is filed)."""
        return round(100 * self.filed_on_time / self.filed, 1) if self.filed else None

    def as_dict(self) -> dict:
        return {"expected": self.expected, "filed": self.filed, "qc_passed": self.qc_passed,
                "overdue": self.overdue, "missing": self.missing, "filed_on_time": self.filed_on_time,
                "completeness": self.completeness, "timeliness": self.timeliness}


@dataclass
class Group:
    """A zone (key "05", label "Site Management") or a site (key "101", label "101 Lakeside
    Clinic"; key None for the trial level)."""

    key: str | None
    label: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class Report:
    totals: Counts
    by_zone: list[Group]
    by_site: list[Group]
    states: list[ExpectationState]

    @property
    def overdue(self) -> list[ExpectationState]:
        """The overdue expectations, the longest overdue first."""
        return sorted((s for s in self.states if s.overdue), key=lambda s: (s.row.due_on, s.row.artifact))


def state_of(row: ExpectedRow, filed: list[FiledRow], today: date) -> ExpectationState:
    is_filed = bool(filed)
    passed = any(doc.qc_passed for doc in filed)
    return ExpectationState(row=row, filed=is_filed, qc_passed=passed, overdue=not passed and row.due_on < today,
                            first_filed_on=min((doc.first_uploaded_on for doc in filed), default=None))


def count(expected: Iterable[ExpectedRow], filed: Iterable[FiledRow], *, today: date) -> Report:
    """The report for ``expected`` against what is ``filed``, as of ``today``."""
    by_place: dict[tuple[str, int | None], list[FiledRow]] = {}
    for doc in filed:
        by_place.setdefault((doc.artifact, doc.site_id), []).append(doc)
    totals = Counts()
    zones: dict[str, Group] = {}
    sites: dict[int | None, Group] = {}
    states = []
    for row in expected:
        state = state_of(row, by_place.get((row.artifact, row.site_id), []), today)
        states.append(state)
        totals.add(state)
        zones.setdefault(row.zone, Group(row.zone, row.zone_name)).counts.add(state)
        site = Group(row.site_code, row.site_label) if row.site_id is not None else Group(None, TRIAL_LEVEL)
        sites.setdefault(row.site_id, site).counts.add(state)
    by_site = sorted(sites.values(), key=lambda g: (g.key is not None, g.key or ""))
    return Report(totals=totals, by_zone=[zones[k] for k in sorted(zones)], by_site=by_site, states=states)
