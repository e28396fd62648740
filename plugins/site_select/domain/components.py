"""Score components: each metric turned into a 0..1 value among the candidates.

A component is the site's percentile among the candidates on one metric: the share of the
other candidates it beats, ties counting half,

    component = (number worse + 0.5 x number equal) / (candidates - 1)

so the best candidate gets 1, the worst 0, the median 0.5 (a lone candidate gets 0.5).
Why percentiles rather than fixed scales: every component then spreads over the same
0..1 range, so the weights alone decide what matters (with fixed scales a metric that
happens to vary widely, like start-up days, would dominate whatever its weight); and one
outlier cannot squash everyone else, as it would with min-max scaling.

The metric behind each component (higher is better after the sign):

- enrollment      shrunk subjects per month (see ``metrics``)
- screen_failure  minus the screen-failure rate
- startup         minus the start-up days (selection to activation)
- zero_enroller   minus the share of trials in which the site enrolled nobody
- data_quality    mean of (1 - queries per 100 / 20) and (1 - deviations per subject / 0.5),
                  each clamped to 0..1
- experience      recency-weighted number of trials in the area

A metric the site has no data for takes the area's mean (the neutral assumption).
"""

from __future__ import annotations

from collections.abc import Sequence

from .types import Baseline, SiteMetrics

QUERIES_WORST = 20.0
DEVIATIONS_WORST = 0.5


def clamp01(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


def _pick(value: float | None, fallback: float | None) -> float:
    if value is not None:
        return value
    return fallback if fallback is not None else 0.0


def data_quality_index(queries_per_100: float, deviations_per_subject: float) -> float:
    """0..1, 1 = no queries and no deviations."""
    return (
        clamp01(1.0 - queries_per_100 / QUERIES_WORST)
        + clamp01(1.0 - deviations_per_subject / DEVIATIONS_WORST)
    ) / 2.0


def metric_values(metrics: SiteMetrics, baseline: Baseline) -> dict[str, float]:
    """The six metrics of one site, oriented so that higher is better, keyed by weight name."""
    return {
        "enrollment": _pick(metrics.enrollment_rate, baseline.enrollment_rate),
        "screen_failure": -_pick(metrics.screen_failure_rate, baseline.screen_failure_rate),
        "startup": -_pick(metrics.startup_days, baseline.startup_days),
        "zero_enroller": -_pick(metrics.zero_enroller_share, baseline.zero_enroller_share),
        "data_quality": data_quality_index(
            _pick(metrics.queries_per_100, baseline.queries_per_100),
            _pick(metrics.deviations_per_subject, baseline.deviations_per_subject),
        ),
        "experience": metrics.effective_trials,
    }


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """Each value's share of the others it exceeds, ties counting half (0..1; 0.5 if alone)."""
    count = len(values)
    if count == 1:
        return [0.5]
    order = sorted(range(count), key=values.__getitem__)
    ranks = [0.0] * count
    start = 0
    while start < count:
        end = start
        while end + 1 < count and values[order[end + 1]] == values[order[start]]:
            end += 1
        rank = (start + end) / 2 / (count - 1)
        for position in range(start, end + 1):
            ranks[order[position]] = rank
        start = end + 1
    return ranks
