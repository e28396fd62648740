"""A saved shortlist scored again under its trial spec, with its forecast and monthly curve.

The shortlist stores the spec and weights it was ranked with, so the shortlist page, the
exports and the hand-off show the same numbers as the ranking did (with today's history).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain import ScoredSite
from ..domain.metrics import DAYS_PER_MONTH
from ..models import Shortlist
from .ranking import Ranking, score_selected
from .specs import parse_spec, parse_weights


@dataclass(frozen=True)
class ShortlistEvaluation:
    shortlist: Shortlist
    ranking: Ranking
    scored: list[ScoredSite]
    curve: list[tuple[int, float]]

    @property
    def forecast(self):
        return self.ranking.forecast

    @property
    def rates(self) -> dict[int, float]:
        return dict(self.forecast.per_site) if self.forecast else {}


def evaluate_shortlist(shortlist: Shortlist, *, as_of: date | None = None) -> ShortlistEvaluation:
    spec_data = shortlist.spec or {}
    spec, weights = parse_spec(spec_data), parse_weights(spec_data)
    order = [entry.site_id for entry in shortlist.entries]
    ranking = score_selected(spec, weights, order, as_of=as_of)
    return ShortlistEvaluation(shortlist, ranking, ranking.ranked,
                               expected_by_month(ranking.ranked, spec.target_enrollment))


def expected_by_month(scored: list[ScoredSite], target: int, *, max_months: int = 120) -> list[tuple[int, float]]:
    """Cumulative expected subjects at the end of each month from the start, N(t) = sum of
    rate x months active (the forecast's model), until the target is reached."""
    known = [s.metrics.startup_days for s in scored if s.metrics.startup_days is not None]
    default_days = sum(known) / len(known) if known else 0.0
    sites = [(max(s.metrics.enrollment_rate or 0.0, 0.0),
              (s.metrics.startup_days if s.metrics.startup_days is not None else default_days) / DAYS_PER_MONTH)
             for s in scored]
    curve: list[tuple[int, float]] = []
    for month in range(1, max_months + 1):
        total = sum(rate * max(0.0, month - offset) for rate, offset in sites)
        curve.append((month, round(total, 1)))
        if total >= target:
            break
    return curve
