"""site_select's charts, built with the SDK's chart kit (``sdk.charts``) from the tool's data.

The same :class:`sdk.charts.Chart` objects are shown in pages (``{{ chart(c) }}`` of
``kit/charts.html``) and embedded in the PDF report (``Chart.png()``).
"""
from __future__ import annotations

from sdk.charts import Chart, bar_chart, line_chart, time_chart

#: the PDF's score chart shows the first sites only
MAX_BARS = 25


def enrollment_curve(curve: list[tuple[int, float]], target: int, title: str) -> Chart:
    """Cumulative expected enrollment by month from the start, with the target as a dashed line."""
    points = list(curve)
    if points and points[0][0] > 0:
        points.insert(0, (0, 0.0))
    return line_chart({"Expected enrollment": points if curve else []}, title=title,
                      x_title="Months from the start", y_title="Subjects (cumulative)", value_format="{:,.0f}",
                      reference=("Target", target) if target else None,
                      empty="no forecast (no enrollment history)")


def rate_bars(rates: list[tuple[str, float]], title: str = "Expected subjects per month by site") -> Chart:
    """Expected subjects per month of each site, in the order given (best first)."""
    return bar_chart(rates, title=title, label_title="Site", value_title="Subjects per month",
                     value_format="{:.2f}")


def score_bars(scored, title: str = "Score per site (0-100)") -> Chart:
    """The score of each ranked site, best first (the first :data:`MAX_BARS`)."""
    return bar_chart([(item.site.name, item.score) for item in scored[:MAX_BARS]], title=title,
                     label_title="Site", value_title="Score (0-100)", value_format="{:.1f}",
                     value_range=(0, 100))


def forecast_charts(scored, rates: dict, curve: list[tuple[int, float]], target: int, label: str) -> dict:
    """The two charts of the forecast card: the enrollment curve and the rate per site."""
    return {"curve_chart": enrollment_curve(curve, target, f"Expected cumulative enrollment of {label}"),
            "rate_chart": rate_bars([(s.site.name, rates.get(s.site.site_id, 0.0)) for s in scored])}


def profile_charts(points) -> list[Chart]:
    """The site profile's charts: one point per trial, over time."""
    return [
        time_chart([(p.when, p.enrollment_rate) for p in points], title="Enrollment per month active",
                   y_title="Subjects per month", value_format="{:.2f}"),
        time_chart([(p.when, p.screen_failure) for p in points], title="Screen-failure rate",
                   y_title="Screen failures", value_format="{:.0%}"),
        time_chart([(p.when, p.startup_days) for p in points], title="Start-up days (selection to activation)",
                   y_title="Days", value_format="{:,.0f} d"),
    ]
