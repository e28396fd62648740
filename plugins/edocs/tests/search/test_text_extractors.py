"""Text extraction from untrusted files: found where it is, "empty" or "failed", never a crash."""
from __future__ import annotations

import io
import zipfile

from plugins.edocs.domain.text_extractors import (
    DOCX,
    MATCH_END,
    MATCH_START,
    MAX_TEXT_BYTES,
    PDF,
    clean,
    extract,
)

from .files import blank_pdf, damaged_pdf, docx_with, pdf_with


def test_a_pdf_gives_the_text_of_its_pages():
    found = extract(pdf_with("Informed consent form", "Cardiomyopathy screening"), PDF)
    assert found.status == "done"
    assert "Cardiomyopathy screening" in found.text and "Informed consent form" in found.text


def test_a_docx_gives_its_paragraphs_and_table_cells():
    found = extract(docx_with("Investigator curriculum vitae", table=[["Licence", "Ärztekammer 4711"]]), DOCX)
    assert found.status == "done"
    assert "Investigator curriculum vitae" in found.text and "Ärztekammer 4711" in found.text


def test_plain_text_in_utf8_and_in_windows_1252():
    assert extract("Échocardiographie\n".encode(), "text/plain").text == "Échocardiographie"
    assert extract("Größe".encode("cp1252"), "text/plain").text == "Größe"


def test_a_pdf_without_a_text_layer_is_empty_and_an_image_has_no_text():
    assert extract(blank_pdf(), PDF).status == "empty"
    assert extract(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png").status == "empty"


def test_a_damaged_or_password_protected_pdf_fails_without_raising():
    damaged = extract(damaged_pdf(), PDF)
    assert damaged.status == "failed" and damaged.text == "" and damaged.problem
    locked = extract(pdf_with("Secret protocol", password="s3cret"), PDF)
    assert locked.status == "failed" and "password" in locked.problem


def test_a_damaged_docx_and_a_docx_zip_bomb_fail():
    assert extract(b"PK\x03\x04 not really a zip", DOCX).status == "failed"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * (201 * 1024 * 1024))
    refused = extract(bomb.getvalue(), DOCX)
    assert refused.status == "failed" and "200 MB" in refused.problem


def test_text_is_cut_at_the_limit_and_loses_control_characters_and_snippet_markers():
    long = extract(("word " * 200_000).encode(), "text/plain")
    assert long.status == "done" and len(long.text.encode()) <= MAX_TEXT_BYTES
    assert clean(f"a\x00b{MATCH_START}c{MATCH_END}d  \t e") == "a b c d e"
