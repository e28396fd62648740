"""Audit trail exports: CSV (one row per changed field, text that a spreadsheet would run as a
formula quoted) and a printable PDF report, both as the trail page shows them: the acting user by
name, times in the reader's zone, fields by their labels, money as money."""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF, FontFace

from .presentation import present

CSV_HEADER = ["organization", "sequence", "time_utc", "time_local", "actor_type", "actor", "actor_name",
              "tool", "record", "entity_type", "entity_id", "action", "field", "field_label", "old_value",
              "new_value", "reason", "request_id", "hash"]
_FONT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/dejavu/DejaVuSans.ttf")


def csv_rows(entries, org_slugs: dict):
    """One CSV row per changed field, in :data:`CSV_HEADER` order (written by ``sdk.csv_export``)."""
    for v in present(entries):
        e = v.entry
        for change in v.changes or [None]:
            field = (change.key, change.label, change.old, change.new) if change else ("", "", "", "")
            yield [org_slugs.get(e.org_id, "platform"), e.seq, e.at.isoformat(), v.when, e.actor_type,
                   e.actor_label, v.who, e.tool, v.record_label, e.entity_type, e.entity_id, v.action_label,
                   *field, e.reason or "", e.request_id or "", e.hash]


def pdf_report(entries, *, title: str, subtitle_lines: list[str]) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    font_path = next((p for p in _FONT_CANDIDATES if Path(p).exists()), None)
    if font_path:
        pdf.add_font("Body", "", font_path)
        family, clean = "Body", str
    else:  # core fonts cover Latin-1 only; the CSV export stays exact
        family = "Helvetica"

        def clean(text):
            return str(text).encode("latin-1", "replace").decode("latin-1")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font(family, size=14)
    pdf.cell(0, 8, clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=8)
    for line in subtitle_lines:
        pdf.cell(0, 5, clean(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (12, 34, 48, 20, 34, 16, 48, 48, 17)
    heading = FontFace(emphasis="", fill_color=(225, 232, 240))
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4, headings_style=heading) as table:
        table.row([clean(h) for h in ("#", "Time", "Actor", "Tool", "Record", "Action",
                                      "Field: old -> new", "Reason", "Hash")])
        for v in present(entries):
            e = v.entry
            who = f"{v.who} <{v.who_email}>" if v.who_email and v.who_email != v.who else v.who
            changes = "\n".join(f"{c.label}: {c.old} -> {c.new}" for c in v.changes)
            table.row([clean(x) for x in (str(e.seq), v.when, who, e.tool, v.record_label, v.action_label,
                                          changes, e.reason or "", e.hash[:12])])
    return bytes(pdf.output())
