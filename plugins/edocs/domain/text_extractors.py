"""The text of a stored file, for search: PDF through pypdf, Word through python-docx, plain
text and CSV decoded. No Flask, no database: bytes in, an :class:`Extracted` out.

Every file here is untrusted. A PDF that does not parse, or is encrypted with a password, gives
status "failed" (never an exception); a PDF or DOCX with no text layer (a scan) gives "empty";
a DOCX whose parts would unpack to more than ``MAX_UNPACKED_BYTES`` is refused as a zip bomb.
The text stops at ``MAX_TEXT_BYTES`` of UTF-8: enough for a 150-page protocol, and within the
1 MB PostgreSQL allows one tsvector.
"""
from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 512 * 1024
MAX_PDF_PAGES = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAIN = ("text/plain", "text/csv")
#: the search snippets mark matches with these two private-use characters (search_index), so
#: they may never come from a document
MATCH_START, MATCH_END = "\ue000", "\ue001"
_UNWANTED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{MATCH_START}{MATCH_END}]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Extracted:
    """``status``: "done" (text found), "empty" (no text: a scan, an image, a type with no
    extractor) or "failed" (the file could not be read; ``problem`` says why)."""

    status: str
    text: str = ""
    problem: str = ""


def extract(data: bytes, content_type: str) -> Extracted:
    """The searchable text of ``data``, a file of ``content_type`` (as the storage sniffed it)."""
    if content_type == PDF:
        return _finish(*_pdf(data))
    if content_type == DOCX:
        return _finish(*_docx(data))
    if content_type in PLAIN:
        return _finish(_decode(data[:MAX_TEXT_BYTES * 2]), "")
    return Extracted("empty")


def clean(text: str) -> str:
    """Text without control characters or the snippet markers, with runs of spaces and blank
    lines folded, cut at ``MAX_TEXT_BYTES``."""
    text = _UNWANTED.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_TEXT_BYTES:
        text = encoded[:MAX_TEXT_BYTES].decode("utf-8", errors="ignore")
    return text


def _finish(text: str | None, problem: str) -> Extracted:
    if text is None:
        return Extracted("failed", problem=problem)
    text = clean(text)
    return Extracted("done", text) if text else Extracted("empty")


def _pdf(data: bytes) -> tuple[str | None, str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None, "The PDF is protected by a password."
        parts, size = [], 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or size > MAX_TEXT_BYTES:
                break
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
        return "\n\n".join(parts), ""
    except Exception as exc:  # noqa: BLE001 - a damaged PDF raises nearly anything from pypdf
        log.info("PDF text extraction failed: %r", exc)
        return None, "The PDF could not be read."


def _docx(data: bytes) -> tuple[str | None, str]:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return None, "The Word file unpacks to more than 200 MB."
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - bad zips, missing parts, lxml's parse errors
        log.info("DOCX text extraction failed: %r", exc)
        return None, "The Word file could not be read."
    parts, size = [], 0
    for text in _docx_texts(document):
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT_BYTES:
            break
    return "\n".join(parts), ""


def _docx_texts(document):
    """Paragraphs, then table cells, then headers and footers: what a reader sees."""
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " | ".join(cell.text for cell in row.cells)
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                yield paragraph.text


def _decode(data: bytes) -> str:
    """UTF-8 (a cut at the end of the slice forgiven), UTF-16 with its byte order mark, else
    Windows-1252, which every byte decodes in."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=False)
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
