"""A site's profile: its metrics overall, per therapeutic area and per phase, and its trials over
time (the series behind the profile's charts).

Metrics are computed over the whole organization's history, because each scope's baseline (the
shrinkage target and the neutral value for missing data) is everyone's record in that scope.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain import SiteMetrics, compute_metrics
from ..domain.metrics import enrollment_rate, screen_failure_rate, startup_days
from ..models import Site, TrialHistory
from .history import site_history
from .loading import load_history


@dataclass(frozen=True)
class TrialPoint:
    """One trial of the site, dated, with its measured values (None when unknown)."""

    when: date
    trial_ref: str
    enrollment_rate: float | None
    screen_failure: float | None
    startup_days: float | None


@dataclass(frozen=True)
class SiteProfile:
    site: Site
    history: list[TrialHistory]
    overall: SiteMetrics | None
    by_area: dict[str, SiteMetrics]
    by_phase: dict[str, SiteMetrics]
    points: list[TrialPoint]


def _point(row, domain_row) -> TrialPoint | None:
    when = domain_row.reference_date
    if when is None:
        return None
    try:
        failure = screen_failure_rate(row.screened, row.enrolled)
    except ValueError:
        failure = None
    return TrialPoint(when, row.trial_ref, enrollment_rate(domain_row), failure, startup_days(domain_row))


def site_profile(site: Site, *, as_of: date | None = None) -> SiteProfile:
    as_of = as_of or date.today()
    rows = site_history(site.id)
    everyone = load_history()
    mine = [h for h in everyone if h.site_id == site.id]
    overall = compute_metrics(everyone, as_of=as_of).get(site.id)
    areas = sorted({h.therapeutic_area for h in mine if h.therapeutic_area})
    phases = sorted({h.phase for h in mine if h.phase})
    by_area = {area: m for area in areas
               if (m := compute_metrics(everyone, as_of=as_of, therapeutic_area=area).get(site.id))}
    by_phase = {phase: m for phase in phases
                if (m := compute_metrics(everyone, as_of=as_of, phase=phase).get(site.id))}
    by_ref = {h.trial_ref: h for h in mine}
    points = [p for row in rows if (p := _point(row, by_ref[row.trial_ref])) is not None]
    return SiteProfile(site, rows, overall, by_area, by_phase, sorted(points, key=lambda p: p.when))
