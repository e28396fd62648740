"""The feasibility report of a shortlist as PDF (fpdf2): the trial spec, the forecast, a summary
table and two charts drawn by the SDK's chart kit, as on the pages (score per site, expected
cumulative enrollment against target). No map. Core PDF fonts cover Latin-1 only, so other
characters print as "?"."""
from __future__ import annotations

import io
import logging

from fpdf import FPDF

from sdk import utcnow
from sdk.charts import Chart

from .. import charts
from ..domain import WEIGHT_NAMES
from .evaluation import ShortlistEvaluation

TABLE_COLUMNS = (("#", 8), ("Site", 62), ("Country", 16), ("City", 30), ("Score", 16),
                 ("Per month", 18), ("Start-up d", 18), ("Trials", 12))
#: charts span the text width of an A4 page, and a long bar chart is narrowed to fit this height
CHART_WIDTH_MM, CHART_HEIGHT_MM = 170, 150


log = logging.getLogger(__name__)


def _latin1(text) -> str:
    return str("" if text is None else text).encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text, width: float) -> str:
    """The text, shortened with "..." to fit a table cell."""
    text = _latin1(text)
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "...") > width - 2:
        text = text[:-1]
    return text + "..."


def _spec_lines(evaluation: ShortlistEvaluation) -> list[str]:
    spec = evaluation.shortlist.spec or {}
    forecast = evaluation.forecast
    weights = spec.get("weights") or {}
    lines = [
        f"Trial: {spec.get('title') or evaluation.shortlist.trial_ref or '-'}",
        f"Therapeutic area: {spec.get('therapeutic_area', '').replace('_', ' ')}; condition: "
        f"{spec.get('condition') or '-'}; phase: {spec.get('phase') or 'any'}",
        f"Countries: {', '.join(spec.get('countries') or []) or 'any'}; target enrollment: "
        f"{spec.get('target_enrollment')}; start: {spec.get('start_date')}; "
        f"target last subject in: {spec.get('target_lsi') or '-'}",
        "Weights: " + ", ".join(f"{name.replace('_', ' ')} {float(weights.get(name, 0)):.2f}"
                                for name in WEIGHT_NAMES if name in weights),
    ]
    if forecast is not None:
        projected = forecast.projected_lsi.isoformat() if forecast.projected_lsi else "never (no enrollment)"
        verdict = {True: "on track", False: "LATE against the target", None: "no target date"}[forecast.on_track]
        lines.append(f"Forecast: {forecast.monthly_rate:.1f} subjects per month once all sites are active; "
                     f"projected last subject in {projected} ({verdict}).")
    return lines


def _table(pdf: FPDF, evaluation: ShortlistEvaluation) -> None:
    pdf.set_font("Helvetica", "B", 8)
    pdf.set_fill_color(230, 236, 242)
    for label, width in TABLE_COLUMNS:
        pdf.cell(width, 6, label, border=1, fill=True)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    rates = evaluation.rates
    for position, item in enumerate(evaluation.scored, start=1):
        startup = item.metrics.startup_days
        values = (str(position), item.site.name, item.site.country, item.site.city, f"{item.score:.1f}",
                  f"{rates.get(item.site.site_id, 0):.2f}", "-" if startup is None else f"{startup:.0f}",
                  str(item.metrics.trials))
        for (_, width), value in zip(TABLE_COLUMNS, values):
            pdf.cell(width, 5.5, _fit(pdf, value, width), border=1)
        pdf.ln()


def _chart(pdf: FPDF, chart: Chart) -> None:
    """A chart of the page, the same drawing (``sdk.charts``) as a PNG across the text width."""
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 8, _latin1(chart.title), new_x="LMARGIN", new_y="NEXT")
    try:
        drawing = None if chart.is_empty else chart.png()
    except OSError:  # CairoSVG found no libcairo on this machine: the report keeps the numbers
        log.warning("no libcairo: the PDF shows %r as text (install Debian's libcairo2)", chart.title)
        drawing = None
    if drawing is None:
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 6, _latin1(chart.summary), new_x="LMARGIN", new_y="NEXT")
        return
    width = min(CHART_WIDTH_MM, CHART_HEIGHT_MM / chart.aspect)
    pdf.image(io.BytesIO(drawing), x=pdf.l_margin, w=width)
    pdf.ln(3)


def shortlist_pdf(evaluation: ShortlistEvaluation) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Feasibility report: {evaluation.shortlist.name}"))
    pdf.set_creator("Trial Office Site Select")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, _latin1(f"Feasibility report: {evaluation.shortlist.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(0, 5, f"Generated {utcnow():%Y-%m-%d %H:%M} UTC by Trial Office Site Select",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    for line in _spec_lines(evaluation):
        pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _table(pdf, evaluation)
    pdf.add_page()
    target = (evaluation.shortlist.spec or {}).get("target_enrollment") or 0
    _chart(pdf, charts.score_bars(evaluation.scored))
    _chart(pdf, charts.enrollment_curve(evaluation.curve, target, "Expected cumulative enrollment by month"))
    return bytes(pdf.output())
