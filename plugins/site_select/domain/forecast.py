"""Enrollment forecast for a shortlist: when will the last subject come in?

Each site enrolls at its (shrunk) monthly rate r_i once it is active, s_i months after the
trial's start date (its start-up time; 0 with ``include_startup=False``). Cumulative
enrollment is piecewise linear,

    N(t) = sum_i r_i x max(0, t - s_i),

and the projected last-subject-in is start_date + t* where N(t*) = target. Without start-up
times this is the familiar t* = target / sum_i r_i. A deterministic point forecast: it
shows whether a shortlist is in the right range, not a probability of success.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from .metrics import DAYS_PER_MONTH
from .types import Forecast, ScoredSite, TrialSpec


def months_to_reach(target: float, rates_and_offsets: Sequence[tuple[float, float]]) -> float | None:
    """Smallest t with sum r_i * max(0, t - s_i) >= target; None if the rates sum to zero."""
    rate = 0.0
    enrolled = 0.0
    time = 0.0
    for next_rate, offset in sorted(rates_and_offsets, key=lambda pair: pair[1]):
        if next_rate <= 0:
            continue
        if rate > 0 and enrolled + rate * (offset - time) >= target:
            break
        enrolled += rate * (offset - time)
        time = offset
        rate += next_rate
    if rate <= 0:
        return None
    return time + (target - enrolled) / rate


def _date_after(start: date, months: float) -> date | None:
    """``start`` plus ``months``; None when that is past the calendar's end (year 9999)."""
    try:
        return start + timedelta(days=round(months * DAYS_PER_MONTH))
    except OverflowError:
        return None


def forecast_enrollment(
    shortlist: Sequence[ScoredSite], spec: TrialSpec, *, include_startup: bool = True
) -> Forecast:
    """Monthly rate, months to target and projected LSI of ``shortlist`` against ``spec``.

    A site whose start-up time is unknown is assumed to take the shortlist's mean start-up.
    ``on_track`` is None when the spec has no target LSI.
    """
    per_site = tuple((item.site.site_id, max(0.0, item.metrics.enrollment_rate or 0.0)) for item in shortlist)
    known = [item.metrics.startup_days for item in shortlist if item.metrics.startup_days is not None]
    default_days = sum(known) / len(known) if known else 0.0
    offsets = []
    for item in shortlist:
        days = item.metrics.startup_days if item.metrics.startup_days is not None else default_days
        offsets.append(days / DAYS_PER_MONTH if include_startup else 0.0)
    months = months_to_reach(
        spec.target_enrollment, [(rate, offset) for (_, rate), offset in zip(per_site, offsets)]
    )
    projected = None if months is None else _date_after(spec.start_date, months)
    if spec.target_lsi is None:
        on_track = None
    else:
        on_track = projected is not None and projected <= spec.target_lsi
    return Forecast(
        monthly_rate=sum(rate for _, rate in per_site),
        months_to_target=months,
        projected_lsi=projected,
        target_lsi=spec.target_lsi,
        on_track=on_track,
        per_site=per_site,
    )
