"""Plain-language reasons for a site's score.

A reason compares the site's contribution for one component with what the average
candidate earns for it (weight x mean component x 100): "+6.1 points" means the component
lifted this site 6.1 points above an average candidate. Only effects of at least
MIN_POINTS are kept, the largest first.
"""

from __future__ import annotations

from collections.abc import Mapping

from .types import Baseline, SiteMetrics

MIN_POINTS = 0.5
MAX_REASONS = 3


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:.{digits}f}"


def describe(name: str, metrics: SiteMetrics, baseline: Baseline, area: str) -> str:
    """What the site's data says for one component, with the area's mean for comparison."""
    label = area.replace("_", " ")
    if name == "enrollment":
        if metrics.raw_enrollment_rate is None:
            mean = _num(baseline.enrollment_rate)
            return f"no enrollment history in {label}; assumed the area mean of {mean}/month"
        return (
            f"enrollment {_num(metrics.enrollment_rate)}/month after shrinkage "
            f"(measured {_num(metrics.raw_enrollment_rate)}, {label} mean {_num(baseline.enrollment_rate)})"
        )
    if name == "screen_failure":
        measured, mean = _pct(metrics.screen_failure_rate), _pct(baseline.screen_failure_rate)
        return f"screen failure {measured} ({label} mean {mean})"
    if name == "startup":
        return (
            f"start-up {_num(metrics.startup_days, 0)} days ({label} mean {_num(baseline.startup_days, 0)})"
        )
    if name == "zero_enroller":
        return (
            f"enrolled nobody in {_pct(metrics.zero_enroller_share)} of trials "
            f"({label} mean {_pct(baseline.zero_enroller_share)})"
        )
    if name == "data_quality":
        return (
            f"{_num(metrics.queries_per_100)} queries per 100 data points and "
            f"{_num(metrics.deviations_per_subject, 2)} deviations per subject "
            f"({label} mean {_num(baseline.queries_per_100)} and {_num(baseline.deviations_per_subject, 2)})"
        )
    if name == "experience":
        return f"{metrics.trials} {label} trial(s), {metrics.effective_trials:.1f} after recency weighting"
    raise ValueError(f"unknown component {name!r}")


def explain(
    components: Mapping[str, float],
    contributions: Mapping[str, float],
    average_contributions: Mapping[str, float],
    metrics: SiteMetrics,
    baseline: Baseline,
    area: str,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(reasons up, reasons down), strongest first, at most MAX_REASONS each."""
    deltas = sorted(
        ((contributions[name] - average_contributions[name], name) for name in contributions), reverse=True
    )

    def reason(delta: float, name: str) -> str:
        return (
            f"{describe(name, metrics, baseline, area)}; better than {components[name] * 100:.0f}% of "
            f"candidates: {delta:+.1f} points vs the average candidate"
        )

    up = tuple(reason(delta, name) for delta, name in deltas if delta >= MIN_POINTS)[:MAX_REASONS]
    down = tuple(reason(delta, name) for delta, name in reversed(deltas) if delta <= -MIN_POINTS)[
        :MAX_REASONS
    ]
    return up, down
