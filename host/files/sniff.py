"""What a file is, decided by its bytes: a signature (``filetype``) or the rule for text.

``filetype`` (pure Python, no dependencies, MIT) reads the first 8 KB and answers one type from
explicit matchers; it tells a Word, Excel or PowerPoint file from a bare ZIP by the entries the
ZIP names, so allowing ``.docx`` does not let any archive through. Text has no signature: a file
is text when it decodes as UTF-8 (a BOM allowed) and holds no NUL byte; the file's name then
chooses among the allowed text types (``.csv`` as text/csv), which is sound because every text
type is served with ``nosniff`` and as an attachment unless the tool asks otherwise.

Some signatures are two or three printable bytes (``BM`` for a bitmap, ``MZ``, ``ID3``), so a CSV
whose first column is "BMI" would match one. When the whole file is UTF-8 text without NUL, only
the signatures of formats that really can be plain ASCII (:data:`TEXTUAL_FORMATS`: PDF,
PostScript, RTF) overrule the text rule; any other match is taken for chance.
"""
from __future__ import annotations

import codecs
import mimetypes

import filetype

from sdk.files import TEXT_TYPES, FileRefused

#: How much of the start of a file the signature matchers look at.
HEAD_BYTES = 8192

#: Formats that may be all ASCII yet are not text to the tool: their signature decides.
TEXTUAL_FORMATS = frozenset({"application/pdf", "application/postscript", "application/rtf"})


class TextCheck:
    """Fed every chunk of an upload: whether the whole of it is UTF-8 text without NUL."""

    def __init__(self):
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.is_text = True

    def feed(self, chunk: bytes) -> None:
        if not self.is_text:
            return
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            self.is_text = False
            return
        if b"\x00" in chunk:
            self.is_text = False

    def finish(self) -> bool:
        if self.is_text:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.is_text = False
        return self.is_text


def content_type_of(head: bytes, is_text: bool, filename: str, allowed: tuple[str, ...]) -> str:
    """The allowed type the content is, or :class:`FileRefused` saying what it is instead."""
    sniffed = filetype.guess_mime(head) if head else None
    if sniffed is not None and sniffed in allowed:
        return sniffed
    if is_text and sniffed not in TEXTUAL_FORMATS:
        sniffed = None  # a chance match of a short signature
    text_types = [t for t in allowed if t in TEXT_TYPES]
    if is_text and sniffed is None and text_types:
        named = mimetypes.guess_type(filename)[0]
        if named in text_types:
            return named
        return "text/plain" if "text/plain" in text_types else text_types[0]
    if sniffed is not None:
        raise FileRefused(f"{filename} is {_label(sniffed)}; {_accepted(allowed)}.")
    what = "text" if is_text else "not a file type we recognize"
    raise FileRefused(f"{filename} is {what}, whatever its name says; {_accepted(allowed)}.")


def _label(content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type)
    return f"a {extension[1:].upper()} file ({content_type})" if extension else f"of type {content_type}"


def _accepted(allowed: tuple[str, ...]) -> str:
    return "only " + ", ".join(allowed) + " can be uploaded here"
