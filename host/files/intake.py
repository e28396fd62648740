"""An upload, streamed to a temporary file in chunks while it is hashed, measured and checked
for text, so no upload is ever held whole in memory (werkzeug spools large ones to disk too)."""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sdk.files import FileRefused

from .sniff import HEAD_BYTES, TextCheck

CHUNK_BYTES = 64 * 1024
NAME_LIMIT = 255


@dataclass(frozen=True)
class Intake:
    """A received upload waiting in ``path`` to be kept or dropped."""

    path: Path
    sha256: str
    size: int
    head: bytes
    is_text: bool


def receive(source, folder: Path, max_bytes: int | None) -> Intake:
    """Copy ``source`` (bytes, a ``FileStorage`` or a binary file object) into ``folder``.

    Refuses (413) at the first chunk past ``max_bytes``, and an empty file (422); nothing is
    left behind when it refuses.
    """
    stream = _stream_of(source)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
    path = Path(name)
    digest, text, head, size = hashlib.sha256(), TextCheck(), bytearray(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise FileRefused(f"The file is too large: at most {_readable(max_bytes)} can be "
                                      "uploaded here. Nothing was saved.", status=413)
                if len(head) < HEAD_BYTES:
                    head += chunk[:HEAD_BYTES - len(head)]
                digest.update(chunk)
                text.feed(chunk)
                out.write(chunk)
        if size == 0:
            raise FileRefused("The file is empty. Nothing was saved.", status=422)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Intake(path, digest.hexdigest(), size, bytes(head), text.finish())


def clean_name(name: str | None) -> str:
    """The name to record: the last part of a path, without control characters, at most 255
    characters (the extension kept); ``file`` when nothing is left."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".") or "file"
    if len(name) > NAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) < 16 else ""
        name = name[:NAME_LIMIT - len(keep) - 1] + "." + keep if keep else name[:NAME_LIMIT]
    return name


def _stream_of(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    stream = getattr(source, "stream", source)  # a werkzeug FileStorage wraps its stream
    if not hasattr(stream, "read"):
        raise TypeError(f"save() needs bytes, an upload or a binary file object, not {type(source).__name__}")
    return stream


def _readable(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"
