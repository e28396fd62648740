"""Small hand-made SVG charts for the site profile: one measurement per trial over time.

No JavaScript and no chart library: a line through the dated points, axes with the first and
last date and the maximum, a title for screen readers (``role="img"`` + ``<title>``), and a
note when there is nothing to draw.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 420, 160
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 26
LINE_COLOR = "#2e6e9e"


def _x(when: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (when - first).days / span


def _y(value: float, top: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0)


def _label(value: float, unit: str) -> str:
    return f"{value * 100:.0f}%" if unit == "%" else f"{value:.1f}{unit}"


def time_chart(points: list[tuple[date, float]], title: str, unit: str = "") -> Markup:
    """An SVG line chart of ``(date, value)`` points; ``unit`` "%" shows shares as percentages."""
    points = sorted((when, value) for when, value in points if value is not None)
    if not points:
        return Markup('<p class="empty">{}: no data yet.</p>').format(title)
    first, last = points[0][0], points[-1][0]
    top = max(value for _, value in points) * 1.1 or 1.0
    coords = [(_x(when, first, last), _y(value, top)) for when, value in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE_COLOR}">'
        f"<title>{escape(when.isoformat())}: {escape(_label(value, unit))}</title></circle>"
        for (x, y), (when, value) in zip(coords, points))
    axis_y = HEIGHT - BOTTOM
    summary = f"{title}: {len(points)} trials from {first.isoformat()} to {last.isoformat()}"
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(summary)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(summary)}</title>"
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{axis_y}" stroke="#999"/>'
        f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}" stroke="#999"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="10" text-anchor="end">{escape(_label(top, unit))}</text>'
        f'<text x="{LEFT - 4}" y="{axis_y}" font-size="10" text-anchor="end">0</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10">{first.year}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">{last.year}</text>'
        f'<polyline points="{path}" fill="none" stroke="{LINE_COLOR}" stroke-width="2"/>'
        f"{dots}</svg>")


def bar_chart(values: list[tuple[str, float]], title: str, unit: str = "") -> Markup:
    """Horizontal bars (e.g. expected enrollment per month by site), labelled, scaled to the max."""
    if not values:
        return Markup('<p class="empty">{}: no data yet.</p>').format(title)
    row, label_width, bar_space = 18, 170, WIDTH - 170 - 50
    top = max(v for _, v in values) or 1.0
    height = row * len(values) + 8
    bars = "".join(
        f'<text x="{label_width - 6}" y="{i * row + 13}" font-size="10" text-anchor="end">'
        f"{escape(name[:28])}</text>"
        f'<rect x="{label_width}" y="{i * row + 3}" width="{bar_space * value / top:.1f}" height="{row - 6}" '
        f'fill="{LINE_COLOR}"/>'
        f'<text x="{label_width + bar_space * value / top + 4:.1f}" y="{i * row + 13}" font-size="10">'
        f"{escape(_label(value, unit))}</text>"
        for i, (name, value) in enumerate(values))
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{bars}</svg>")


def curve_chart(curve: list[tuple[int, float]], target: int, title: str) -> Markup:
    """Cumulative expected enrollment by month, with the target as a horizontal line."""
    if not curve:
        return Markup('<p class="empty">{}: no forecast (no enrollment history).</p>').format(title)
    top = max(max(v for _, v in curve), target) * 1.1 or 1.0
    months = len(curve)
    xs = [LEFT + (WIDTH - LEFT - RIGHT) * m / months for m, _ in curve]
    path = f"{LEFT},{_y(0, top):.1f} " + " ".join(f"{x:.1f},{_y(v, top):.1f}" for x, (_, v) in zip(xs, curve))
    target_y = _y(target, top)
    axis_y = HEIGHT - BOTTOM
    summary = f"{title}: {curve[-1][1]:.0f} subjects expected after {months} months; target {target}"
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(summary)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(summary)}</title>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{axis_y}" stroke="#999"/>'
        f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}" stroke="#999"/>'
        f'<line x1="{LEFT}" y1="{target_y:.1f}" x2="{WIDTH - RIGHT}" y2="{target_y:.1f}" stroke="#be3c32" '
        f'stroke-dasharray="4 3"/>'
        f'<text x="{WIDTH - RIGHT}" y="{target_y - 3:.1f}" font-size="10" text-anchor="end">target {target}</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10">month 0</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" font-size="10" text-anchor="end">month {months}</text>'
        f'<polyline points="{path}" fill="none" stroke="{LINE_COLOR}" stroke-width="2"/></svg>')
