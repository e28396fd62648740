"""Per-site performance metrics from trial history, recency-weighted and shrunk.

Each history row contributes with weight ``0.5 ** (age / half_life)``: what a site did last
year says more about next year than what it did a decade ago. Only rows dated on or before
``as_of`` count, and a row whose last subject came in after ``as_of`` adds experience but no
performance numbers (they were not known yet), which keeps back-tests honest.

The enrollment rate is then shrunk toward the scope's mean (see ``shrinkage``); the other
metrics are shown as measured and are replaced by the scope's mean only when a site has no
data for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .shrinkage import DEFAULT_PRIOR_STRENGTH, estimate_prior_strength, shrink
from .types import Baseline, SiteMetrics, TrialHistory
from .vocabulary import normalize_area, normalize_phase

DAYS_PER_MONTH = 365.25 / 12
MIN_ACTIVE_MONTHS = 1.0
"""Floor for the active period, so a site that enrolled two subjects in its first week
does not show a rate of 8 a month."""

DEFAULT_HALF_LIFE_YEARS = 3.0
"""A trial three years old counts half as much as one finished today."""

METRIC_NAMES = ("rate", "screen_failure", "startup", "zero", "queries", "deviations")
_RATE, _SF, _STARTUP, _ZERO, _QUERIES, _DEV = range(6)


def screen_failure_rate(screened: int | None, enrolled: int | None) -> float | None:
    """Share of screened subjects who were not enrolled: 50 screened, 28 enrolled -> 0.44.

    None when nobody was screened or a count is unknown.
    """
    if screened is None or enrolled is None or screened == 0:
        return None
    if screened < 0 or enrolled < 0:
        raise ValueError("screened and enrolled counts must not be negative")
    if enrolled > screened:
        raise ValueError(f"enrolled ({enrolled}) cannot exceed screened ({screened})")
    return (screened - enrolled) / screened


def enrollment_rate(row: TrialHistory) -> float | None:
    """Subjects per month active (activation, else first subject in, to last subject in)."""
    if row.enrolled is None:
        return None
    if row.enrolled == 0:
        return 0.0
    start = row.activated_on or row.first_subject_in
    if start is None or row.last_subject_in is None:
        return None
    months = max(MIN_ACTIVE_MONTHS, (row.last_subject_in - start).days / DAYS_PER_MONTH)
    return row.enrolled / months


def startup_days(row: TrialHistory) -> float | None:
    """Days from selection to activation, when both are known and in order."""
    if row.selected_on is None or row.activated_on is None or row.activated_on < row.selected_on:
        return None
    return float((row.activated_on - row.selected_on).days)


def row_values(row: TrialHistory) -> tuple[float | None, ...]:
    """The six per-row measurements, in METRIC_NAMES order."""
    rate = enrollment_rate(row)
    try:
        failure = screen_failure_rate(row.screened, row.enrolled)
    except ValueError:
        failure = None
    zero = None if row.enrolled is None else float(row.enrolled == 0)
    deviations = None
    if row.deviations is not None and row.enrolled:
        deviations = row.deviations / row.enrolled
    return (rate, failure, startup_days(row), zero, row.queries_per_100, deviations)


def _latest_date(row: TrialHistory, as_of: date) -> date | None:
    dates = [
        d
        for d in (
            row.selected_on,
            row.activated_on,
            row.first_subject_in,
            row.last_subject_in,
            row.started_on,
        )
        if d is not None and d <= as_of
    ]
    return max(dates) if dates else None


class _Totals:
    """Running weighted sums for one site."""

    __slots__ = ("trials", "weight", "sums", "weights", "rate_square_weights", "rates", "last_activity")

    def __init__(self) -> None:
        self.trials = 0
        self.weight = 0.0
        self.sums = [0.0] * 6
        self.weights = [0.0] * 6
        self.rate_square_weights = 0.0
        self.rates: list[float] = []
        self.last_activity: date | None = None

    def mean(self, index: int) -> float | None:
        return self.sums[index] / self.weights[index] if self.weights[index] > 0 else None

    def rate_evidence(self) -> float:
        """Kish effective number of rate observations, (sum w)^2 / sum w^2.

        Recency weights say which trials count more, not that the site has fewer trials:
        five trials of equal age are five trials' worth of evidence however old they are.
        """
        return self.weights[_RATE] ** 2 / self.rate_square_weights if self.rate_square_weights > 0 else 0.0


def _in_scope(history: Iterable[TrialHistory], area: str | None, phase: str | None) -> Iterable[TrialHistory]:
    area_matches: dict[str, bool] = {}
    for row in history:
        if area is not None:
            matches = area_matches.get(row.therapeutic_area)
            if matches is None:
                matches = area_matches[row.therapeutic_area] = normalize_area(row.therapeutic_area) == area
            if not matches:
                continue
        if phase is not None and row.phase != phase:
            continue
        yield row


def _accumulate(
    history: Iterable[TrialHistory],
    as_of: date,
    half_life_years: float | None,
) -> tuple[dict[int, _Totals], _Totals]:
    half_life_days = half_life_years * 365.25 if half_life_years else None
    per_site: dict[int, _Totals] = {}
    scope = _Totals()
    for row in history:
        reference = row.reference_date
        if reference is not None and reference > as_of:
            continue
        if half_life_days is None:
            weight = 1.0
        else:
            age = (as_of - reference).days if reference is not None else half_life_days
            weight = 0.5 ** (age / half_life_days)
        totals = per_site.get(row.site_id)
        if totals is None:
            totals = per_site[row.site_id] = _Totals()
        totals.trials += 1
        totals.weight += weight
        latest = _latest_date(row, as_of)
        if latest is not None and (totals.last_activity is None or latest > totals.last_activity):
            totals.last_activity = latest
        if row.last_subject_in is not None and row.last_subject_in > as_of:
            continue
        for index, value in enumerate(row_values(row)):
            if value is not None:
                totals.sums[index] += weight * value
                totals.weights[index] += weight
                scope.sums[index] += weight * value
                scope.weights[index] += weight
                if index == _RATE:
                    totals.rates.append(value)
                    totals.rate_square_weights += weight * weight
    return per_site, scope


def compute_metrics_with_baseline(
    history: Iterable[TrialHistory],
    *,
    as_of: date,
    therapeutic_area: str | None = None,
    phase: str | None = None,
    half_life_years: float | None = DEFAULT_HALF_LIFE_YEARS,
    prior_strength: float | None = DEFAULT_PRIOR_STRENGTH,
) -> tuple[dict[int, SiteMetrics], Baseline]:
    """Metrics per site plus the scope's baseline (means over all rows in scope).

    Scope: the rows of ``therapeutic_area`` and ``phase`` when given, else all rows. The
    enrollment rate is shrunk toward the scope's mean with ``prior_strength`` k (the area
    mean counts as k trials of evidence; None estimates k from the data, see
    ``estimate_prior_strength``, which is fragile when few sites have repeated trials).
    """
    area = normalize_area(therapeutic_area) if therapeutic_area else None
    wanted_phase = normalize_phase(phase) if phase else None
    if half_life_years is not None and half_life_years <= 0:
        raise ValueError(f"half-life must be positive, got {half_life_years}")
    if prior_strength is not None and prior_strength < 0:
        raise ValueError(f"prior strength must not be negative, got {prior_strength}")
    per_site, scope = _accumulate(_in_scope(history, area, wanted_phase), as_of, half_life_years)
    k = (
        prior_strength
        if prior_strength is not None
        else estimate_prior_strength(totals.rates for totals in per_site.values())
    )
    baseline = Baseline(*(scope.mean(index) for index in range(6)), prior_strength=k, sites=len(per_site))
    metrics = {
        site_id: SiteMetrics(
            site_id=site_id,
            trials=totals.trials,
            enrollment_rate=shrink(totals.mean(_RATE), totals.rate_evidence(), baseline.enrollment_rate, k),
            raw_enrollment_rate=totals.mean(_RATE),
            screen_failure_rate=totals.mean(_SF),
            startup_days=totals.mean(_STARTUP),
            zero_enroller_share=totals.mean(_ZERO),
            queries_per_100=totals.mean(_QUERIES),
            deviations_per_subject=totals.mean(_DEV),
            last_activity=totals.last_activity,
            effective_trials=totals.weight,
        )
        for site_id, totals in per_site.items()
    }
    return metrics, baseline


def compute_metrics(
    history: Iterable[TrialHistory],
    *,
    as_of: date,
    therapeutic_area: str | None = None,
    phase: str | None = None,
    half_life_years: float | None = DEFAULT_HALF_LIFE_YEARS,
    prior_strength: float | None = DEFAULT_PRIOR_STRENGTH,
) -> dict[int, SiteMetrics]:
    """Metrics per site id for the sites that have history in scope (see the module doc)."""
    metrics, _ = compute_metrics_with_baseline(
        history,
        as_of=as_of,
        therapeutic_area=therapeutic_area,
        phase=phase,
        half_life_years=half_life_years,
        prior_strength=prior_strength,
    )
    return metrics


def metrics_without_history(site_id: int, baseline: Baseline) -> SiteMetrics:
    """What we believe of a site with no history in scope: the scope's mean enrollment rate."""
    return SiteMetrics(
        site_id=site_id,
        trials=0,
        enrollment_rate=baseline.enrollment_rate,
        raw_enrollment_rate=None,
        screen_failure_rate=None,
        startup_days=None,
        zero_enroller_share=None,
        queries_per_100=None,
        deviations_per_subject=None,
        last_activity=None,
        effective_trials=0.0,
    )
