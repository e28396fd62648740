"""The SDK's chart kit (sdk/charts.py, host/templates/kit/charts.html): values on the axes, a
drawing sized by its container, labels escaped and cut to fit, the numbers as a table, PNG for PDFs."""
from __future__ import annotations

import base64
import re
from datetime import date

from sdk.charts import bar_chart, line_chart, time_chart, value_formatter

EVIL = "Site <script>alert(1)</script> & Co"


def axis_labels(svg: str, axis: str) -> list[str]:
    """The texts of an axis's ticks (pygal draws them in <g class="axis x|y ...">)."""
    part = re.search(rf'<g class="axis {axis}[^"]*">(.*?)</g></g>(?=<g class="(?:axis|series))', svg, re.S)
    return re.findall(r"<text[^>]*>([^<]*)</text>", part.group(1)) if part else []


def test_line_chart_has_values_on_both_axes_titles_and_the_target():
    chart = line_chart({"Expected": [(0, 0), (6, 20), (12, 45)]}, title="Enrollment", x_title="Months",
                       y_title="Subjects", value_format="{:.0f}", reference=("Target", 40), narrow=True)
    for svg in (chart.svg, chart.svg_narrow):
        assert "Months" in svg and "Subjects" in svg and "Target" in svg
        ys, xs = axis_labels(svg, "y"), axis_labels(svg, "x")
        assert "0" in ys and "40" in ys and len(ys) >= 4, ys
        assert "0" in xs and "12" in xs, xs
    assert chart.rows[-1] == ("12", "45", "40") and chart.columns == ("Months", "Expected", "Target")
    assert "from 0 at 0 to 45 at 12" in chart.summary


def test_drawings_are_sized_by_their_container_not_fixed():
    chart = bar_chart([("A", 1.0), ("B", 2.5)], title="Rates", value_title="Per month", narrow=True)
    for svg in (chart.svg, chart.svg_narrow):
        root = re.match(r"<svg[^>]*>", svg).group(0)
        assert "viewBox=" in root and " width=" not in root and " height=" not in root
    assert chart.svg != chart.svg_narrow  # a narrow drawing with bigger type for phones
    assert "<script" not in chart.svg  # pygal's tooltip script is left out


def test_labels_are_escaped_and_long_ones_cut_without_hanging():
    long_name = "University Hospital " * 20
    chart = bar_chart([(EVIL, 3.0), (long_name, 1.0)], title="Rates", value_title="Per month",
                      value_format="{:.1f}")
    assert "<script>alert" not in chart.svg and "&lt;script&gt;" in chart.svg
    assert long_name.strip() not in chart.svg and "\u2026" in chart.svg
    assert chart.rows[0] == (EVIL, "3.0")  # the table keeps the whole label (escaped by the template)


def test_the_macro_shows_an_image_with_a_text_alternative_and_the_numbers(app):
    chart = bar_chart([(EVIL, 3.0), ("Lyon", 1.5)], title="Rates <b>", value_title="Per month",
                      value_format="{:.1f}", narrow=True)
    with app.test_request_context():
        html = app.jinja_env.from_string(
            '{% from "kit/charts.html" import chart %}{{ chart(c) }}').render(c=chart)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Rates &lt;b&gt;" in html
    image = re.search(r'<img class="chart-image" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html)
    assert image and "highest is Site &lt;script&gt;" in image.group(2)
    assert base64.b64decode(image.group(1)).decode() == chart.svg
    assert 'media="(max-width: 40rem)"' in html and " width=" not in html.replace("max-width", "")
    assert "<td class=\"num\">1.5</td>" in html
    with app.test_request_context():
        single = app.jinja_env.from_string('{% from "kit/charts.html" import chart %}{{ chart(c) }}').render(
            c=bar_chart([("Lyon", 1.5)], title="Rates"))
    assert "<source" not in single and 'class="chart-image"' in single  # one drawing unless asked


def test_an_empty_chart_says_so_and_draws_nothing(app):
    chart = time_chart([(date(2024, 1, 1), None)], title="Screen failures", empty="no trials yet")
    assert chart.is_empty and chart.summary == "Screen failures: no trials yet."
    with app.test_request_context():
        html = app.jinja_env.from_string(
            '{% from "kit/charts.html" import chart %}{{ chart(c) }}').render(c=chart)
    assert '<p class="empty">Screen failures: no trials yet.</p>' in html and "<img" not in html


def test_time_chart_has_dates_and_formatted_values():
    chart = time_chart([(date(2021, 3, 1), 0.25), (date(2023, 9, 1), 0.4)], title="Screen failures",
                       y_title="Rate", value_format="{:.0%}")
    assert any("%" in label for label in axis_labels(chart.svg, "y"))
    assert any(re.search(r"20(21|22|23)", label) for label in axis_labels(chart.svg, "x"))
    assert chart.rows == (("2021-03-01", "25%"), ("2023-09-01", "40%"))


def test_png_for_pdfs():
    png = line_chart({"a": [(0, 1), (1, 2)]}, title="t").png(width=400)
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 400


def test_value_formatter():
    assert value_formatter("{:.0%}")(0.256) == "26%"
    assert value_formatter(None)(2.0) == "2" and value_formatter(None)(2.5) == "2.50"
    assert value_formatter(lambda v: f"{v} d")(3) == "3 d"
