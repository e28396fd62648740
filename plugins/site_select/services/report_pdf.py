"""The feasibility report of a shortlist as PDF (fpdf2): the trial spec, the forecast, a summary
table and two simple charts (score per site, expected cumulative enrollment against target).
No map. Core PDF fonts cover Latin-1 only, so other characters print as "?"."""
from __future__ import annotations

from fpdf import FPDF

from sdk import utcnow

from ..domain import WEIGHT_NAMES
from .evaluation import ShortlistEvaluation

TABLE_COLUMNS = (("#", 8), ("Site", 62), ("Country", 16), ("City", 30), ("Score", 16),
                 ("Per month", 18), ("Start-up d", 18), ("Trials", 12))
BAR_COLOR = (46, 110, 158)
TARGET_COLOR = (190, 60, 50)
MAX_BARS = 25


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


def _score_bars(pdf: FPDF, evaluation: ShortlistEvaluation) -> None:
    items = evaluation.scored[:MAX_BARS]
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 8, "Score per site (0-100)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 7)
    left, label_width, bar_width, row = pdf.l_margin, 60, 110, 5
    for item in items:
        y = pdf.get_y()
        pdf.set_xy(left, y)
        pdf.cell(label_width, row, _fit(pdf, item.site.name, label_width))
        pdf.set_fill_color(*BAR_COLOR)
        pdf.rect(left + label_width, y + 1, max(bar_width * item.score / 100, 0.3), row - 2, style="F")
        pdf.set_xy(left + label_width + bar_width + 2, y)
        pdf.cell(15, row, f"{item.score:.1f}")
        pdf.set_y(y + row)


def _curve_chart(pdf: FPDF, evaluation: ShortlistEvaluation) -> None:
    curve = evaluation.curve
    target = (evaluation.shortlist.spec or {}).get("target_enrollment") or 0
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 8, "Expected cumulative enrollment by month", new_x="LMARGIN", new_y="NEXT")
    if not curve:
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 6, "No forecast: the shortlist has no enrollment history.", new_x="LMARGIN", new_y="NEXT")
        return
    x0, y0, width, height = pdf.l_margin + 10, pdf.get_y() + 2, 160, 60
    top = max(max(v for _, v in curve), target, 1)
    months = max(len(curve), 1)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.line(x0, y0, x0, y0 + height)
    pdf.set_draw_color(*TARGET_COLOR)
    target_y = y0 + height - height * target / top
    pdf.line(x0, target_y, x0 + width, target_y)
    pdf.set_draw_color(*BAR_COLOR)
    points = [(x0, y0 + height)] + [(x0 + width * m / months, y0 + height - height * v / top) for m, v in curve]
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        pdf.line(xa, ya, xb, yb)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(*TARGET_COLOR)
    pdf.text(x0 + width + 1, target_y + 1, f"target {target}")
    pdf.set_text_color(0, 0, 0)
    pdf.text(x0 - 8, y0 + 2, f"{top:.0f}")
    pdf.text(x0 + width - 10, y0 + height + 4, f"month {months}")
    pdf.set_y(y0 + height + 8)


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
    _score_bars(pdf, evaluation)
    pdf.ln(6)
    _curve_chart(pdf, evaluation)
    return bytes(pdf.output())
