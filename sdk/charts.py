"""Charts for every tool: line, bar and time charts drawn by pygal, shown in pages and in PDFs.

A chart function takes plain data with its axis titles and a value format and returns a
:class:`Chart`: the SVG drawing (and, with ``narrow=True``, a second one with bigger type for
phones), an accessible summary, and the numbers as a table. Pages show it with one line of
template::

    {% from "kit/charts.html" import chart %}
    {{ chart(my_chart) }}

The macro draws a ``<figure>`` whose image is sized by its container (``width: 100%``; the
SVGs carry a ``viewBox`` and no fixed size), switches to the narrow drawing on small screens
when there is one, and puts the numbers in a table under a disclosure. The SVG is shown as an
image (a ``data:`` URI), so the styles pygal embeds in it obey the page's
Content-Security-Policy, which allows no inline style or script. A PDF embeds the same drawing
with :meth:`Chart.png` (fpdf2: ``pdf.image(io.BytesIO(chart.png()), w=170)``).

Labels are data, never markup: pygal writes them as escaped XML text, and the template escapes
the summary and the table.
"""
from __future__ import annotations

import base64
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pygal
from pygal.style import Style

__all__ = ["Chart", "bar_chart", "clear_cache", "line_chart", "time_chart", "value_formatter"]

PRIMARY = "#2e6e9e"
ACCENT = "#be3c32"
COLORS = (PRIMARY, "#e08e2b", "#3c8d5a", "#7a5aa6", "#5b6b7a")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: (viewBox width, height of a line chart, font size, longest label in characters) of the
#: drawings. The standard one reads at 10-11 px on a phone (about 320 px wide) and at 15-16 px in
#: half of a 1280-pixel window; ``narrow=True`` adds one with bigger type for phones, at twice the
#: cost. Labels are cut to fit (pygal loops forever when labels leave no room for the plot); the
#: table under the chart has them whole.
STANDARD = (440, 280, 14, 22)
NARROW = (340, 300, 13, 16)

ValueFormat = Callable[[float], str] | str
#: a line of more points is drawn without a dot on each (dots cost more than the line)
MAX_DOTS = 15


def value_formatter(fmt: ValueFormat | None) -> Callable[[float], str]:
    """A function that shows a value: ``fmt`` is a callable, a ``str.format`` pattern such as
    ``"{:.1f} /mo"`` or ``"{:.0%}"``, or None for up to two decimals."""
    if callable(fmt):
        return fmt
    pattern = fmt or "{:,.2f}"

    def show(value: float | None) -> str:
        if value is None:
            return ""
        text = pattern.format(value)
        return text.replace(".00", "") if fmt is None else text
    return show


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``svg``, ``svg_narrow`` (for small screens, when asked for), a one-sentence
    ``summary`` (the image's text alternative), and its numbers as ``columns`` and ``rows``."""

    title: str
    summary: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    svg: str = ""
    svg_narrow: str = ""
    empty: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.svg

    @property
    def data_uri(self) -> str:
        return _data_uri(self.svg)

    @property
    def data_uri_narrow(self) -> str:
        return _data_uri(self.svg_narrow)

    @property
    def aspect(self) -> float:
        """Height over width of the drawing (to size it in a PDF)."""
        match = _VIEWBOX.search(self.svg)
        return float(match[2]) / float(match[1]) if match else 0.5

    def png(self, width: int = 1600) -> bytes:
        """The drawing (not the narrow one) as PNG, ``width`` pixels wide (for PDF reports; CairoSVG)."""
        if self.is_empty:
            raise ValueError(f"{self.title}: nothing to draw")
        import cairosvg  # imported here: only PDFs need it, and it loads the system's libcairo

        # opaque white, so that a PDF embeds it without a transparency mask
        return cairosvg.svg2png(bytestring=self.svg.encode("utf-8"), output_width=width,
                                background_color="#ffffff")


#: the last charts drawn, by their arguments: a page shown again (a reload, the shortlist after
#: the results it came from, the PDF after its page) does not draw them again
CACHE_SIZE = 256
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _freeze(value):
    if isinstance(value, dict):
        return tuple((key, _freeze(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    return value


def _cached(draw):
    """Keep the last :data:`CACHE_SIZE` charts by their (hashable) arguments."""
    @functools.wraps(draw)
    def cached(*args, **kwargs):
        try:
            key = (draw.__name__, _freeze(args), _freeze(sorted(kwargs.items())))
            hash(key)
        except TypeError:  # a value that cannot be a key: draw it every time
            return draw(*args, **kwargs)
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        chart = draw(*args, **kwargs)
        with _cache_lock:
            _cache[key] = chart
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return chart
    return cached


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _style(font_size: int, colors: tuple[str, ...] = COLORS) -> Style:
    return Style(
        font_family=FONT, background="#ffffff", plot_background="#ffffff", foreground="#1f2933",
        foreground_strong="#1f2933", foreground_subtle="#d5dbe1", colors=colors, opacity=".8",
        opacity_hover="1", transition="0ms", label_font_size=font_size, major_label_font_size=font_size,
        value_font_size=font_size - 1, value_label_font_size=font_size - 1,
        title_font_size=font_size + 2, legend_font_size=font_size, tooltip_font_size=font_size,
        no_data_font_size=font_size + 4, guide_stroke_color="#d5dbe1", major_guide_stroke_color="#b9c2cb")


#: pygal's own rule ``.reactive {stroke-width: 1}`` would thin every line to a hairline.
LINE_CSS = "inline:#chart .series .line.reactive{stroke-width:2.5px}"
#: the configuration pygal leaves in a <script> for its tooltips (which are not used)
_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)
_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')
#: pygal names each drawing ``chart-<uuid4>``; one fixed name makes the output repeatable
_CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _config(size: tuple[int, int, int, int], height: int, fmt: Callable[[float], str],
            colors: tuple[str, ...] = COLORS, **options) -> dict:
    width, _, font_size, longest = size
    return {"style": _style(font_size, colors), "width": width, "height": height, "explicit_size": False,
            "disable_xml_declaration": True, "js": [],
            "css": ["file://style.css", "file://graph.css", LINE_CSS],
            "show_legend": False, "value_formatter": fmt, "truncate_label": longest,
            "truncate_legend": -1, "margin": 8, "spacing": 8, "include_x_axis": True,
            "legend_at_bottom": True, "legend_at_bottom_columns": 2 if width > 400 else 1,
            "max_scale": 7 if width > 400 else 5, "min_scale": 3, "tooltip_border_radius": 0,
            **options}


def _render(chart) -> str:
    return _CHART_ID.sub("chart", _SCRIPT.sub("", chart.render(is_unicode=True)))


def _sizes(narrow: bool) -> tuple:
    return (STANDARD, NARROW) if narrow else (STANDARD,)


def _cut(label: str, longest: int) -> str:
    label = " ".join(label.split())
    return label if len(label) <= longest else label[:longest - 1].rstrip() + "\u2026"


@_cached
def bar_chart(items: Sequence[tuple[str, float]], *, title: str, value_title: str = "",
              value_format: ValueFormat | None = None, label_title: str = "",
              horizontal: bool = True, value_range: tuple[float, float] | None = None,
              narrow: bool = False, empty: str = "no data yet") -> Chart:
    """Bars of ``(label, value)`` in the given order (top to bottom when ``horizontal``), each
    with its value printed at its end, on a value axis from zero titled ``value_title``
    (``value_range`` fixes the axis, e.g. ``(0, 100)`` for a score)."""
    items = [(str(label), float(value)) for label, value in items if value is not None]
    fmt = value_formatter(value_format)
    columns = (label_title or "Label", value_title or "Value")
    if not items:
        return Chart(title, f"{title}: {empty}.", columns, (), empty=empty)
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    ordered = items[::-1] if horizontal else items
    drawings = []
    for size in _sizes(narrow):
        row = size[2] * 2 + 4
        height = max(140, 70 + row * len(items)) if horizontal else size[1]
        chart = kind(**_config(size, height, fmt, print_values=True, print_values_position="top",
                               x_title=value_title or None, x_label_rotation=0 if horizontal else 30,
                               range=value_range))
        chart.x_labels = [_cut(label, size[3]) for label, _ in ordered]
        chart.add(value_title or title, [value for _, value in ordered])
        drawings.append(_render(chart))
    top = max(items, key=lambda item: item[1])
    summary = f"{title}: {len(items)} bars; the highest is {top[0]} with {fmt(top[1])}."
    rows = tuple((label, fmt(value)) for label, value in items)
    return Chart(title, summary, columns, rows, *drawings)


@_cached
def line_chart(series: dict[str, Sequence[tuple[float, float]]], *, title: str, x_title: str = "",
               y_title: str = "", value_format: ValueFormat | None = None,
               x_format: ValueFormat | None = None, reference: tuple[str, float] | None = None,
               narrow: bool = False, empty: str = "no data yet") -> Chart:
    """Lines through numeric ``(x, y)`` points, one per named series, on axes titled ``x_title``
    and ``y_title`` with values on both; ``reference`` = (label, y) adds a dashed horizontal line
    (a target)."""
    series = {name: [(float(x), float(y)) for x, y in points if y is not None]
              for name, points in series.items()}
    series = {name: points for name, points in series.items() if points}
    fmt, xfmt = value_formatter(value_format), value_formatter(x_format or "{:g}")
    names = list(series)
    columns = (x_title or "x", *names) + ((reference[0],) if reference else ())
    if not series:
        return Chart(title, f"{title}: {empty}.", columns, (), empty=empty)
    xs = sorted({x for points in series.values() for x, _ in points})
    drawings = []
    for size in _sizes(narrow):
        colors = COLORS[:len(series)] + (ACCENT,)
        chart = pygal.XY(**_config(size, size[1], fmt, colors, x_title=x_title or None, y_title=y_title or None,
                                   x_value_formatter=xfmt, show_legend=len(series) > 1 or bool(reference),
                                   dots_size=2.5, xrange=(min(xs), max(xs))))
        for name, points in series.items():
            chart.add(_cut(name, size[3]), points, show_dots=len(points) <= MAX_DOTS)
        if reference:
            chart.add(_cut(f"{reference[0]} ({fmt(reference[1])})", size[3]), [(min(xs), reference[1]), (max(xs), reference[1])], show_dots=False,
                      stroke_style={"dasharray": "7, 5"})
        drawings.append(_render(chart))
    lookup = {name: dict(points) for name, points in series.items()}
    rows = tuple((xfmt(x), *(fmt(lookup[n][x]) if x in lookup[n] else "" for n in names))
                 + ((fmt(reference[1]),) if reference else ()) for x in xs)
    last = series[names[0]][-1]
    summary = (f"{title}: {names[0]} goes from {fmt(series[names[0]][0][1])} at {xfmt(series[names[0]][0][0])} "
               f"to {fmt(last[1])} at {xfmt(last[0])}")
    summary += f"; {reference[0]} {fmt(reference[1])}." if reference else "."
    return Chart(title, summary, columns, rows, *drawings)


@_cached
def time_chart(points: Sequence[tuple[date, float | None]], *, title: str, y_title: str = "",
               value_format: ValueFormat | None = None, series_title: str = "",
               narrow: bool = False, empty: str = "no data yet") -> Chart:
    """A line through dated ``(date, value)`` points (one per trial, say), dates on the x axis."""
    points = sorted((when, float(value)) for when, value in points if value is not None)
    fmt = value_formatter(value_format)
    columns = ("Date", series_title or y_title or "Value")
    if not points:
        return Chart(title, f"{title}: {empty}.", columns, (), empty=empty)
    drawings = []
    for size in _sizes(narrow):
        chart = pygal.DateLine(**_config(size, size[1], fmt, y_title=y_title or None,
                                         x_value_formatter=lambda d: d.strftime("%b %Y"),
                                         x_label_rotation=30, dots_size=3.5))
        if len(points) == 1:  # one point: a short span around it, so the axis has a width
            only = points[0][0]
            chart.config.xrange = (date(only.year - 1, only.month, 1), date(only.year + 1, only.month, 1))
        chart.add(series_title or y_title or title, points)
        drawings.append(_render(chart))
    summary = (f"{title}: {len(points)} points from {points[0][0].isoformat()} to {points[-1][0].isoformat()}, "
               f"between {fmt(min(v for _, v in points))} and {fmt(max(v for _, v in points))}.")
    rows = tuple((when.isoformat(), fmt(value)) for when, value in points)
    return Chart(title, summary, columns, rows, *drawings)
