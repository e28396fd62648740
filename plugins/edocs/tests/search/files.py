"""Test files made on the spot: a PDF with a text layer (fpdf2), a Word file (python-docx), a
PDF with no text, a password-protected PDF and a damaged one."""
from __future__ import annotations

import io

import docx
from fpdf import FPDF


def pdf_with(*lines: str, password: str | None = None) -> bytes:
    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    """A page with no text layer, as a scan without OCR has."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50, style="F")
    return bytes(pdf.output())


def damaged_pdf() -> bytes:
    """Starts as a PDF (so the storage accepts it as one) and is nothing after."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\n" + b"\x00garbage" * 200


def docx_with(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
