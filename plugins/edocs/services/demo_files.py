"""The demo's documents as real files: short PDFs (fpdf2) with a title and a few paragraphs, so
the preview, the text extraction and the search have something true to work on."""
from __future__ import annotations

from fpdf import FPDF


def demo_pdf(title: str, *paragraphs: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author("Trial Office demo")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(title))
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, _latin1(paragraph))
        pdf.ln(3)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    """The core PDF fonts cover Latin-1 only."""
    return text.encode("latin-1", "replace").decode("latin-1")
