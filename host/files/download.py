"""A saved file as a download: streamed from disk with the type, length and name recorded when
it was saved, never sniffed again by the browser (``nosniff``)."""
from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, send_file

from sdk.files import StoredFile

#: RFC 5987 ``attr-char``: what may stand unescaped in ``filename*``.
_ATTR_CHARS = "!#$&+-.^_`|~"
_FALLBACK_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-()+ ")


def content_disposition(name: str, *, as_attachment: bool = True) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''...`` (RFC 6266): old clients read the
    ASCII fallback, the others the exact UTF-8 name; neither can carry a quote, a path or a
    header break."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c if c in _FALLBACK_CHARS else "_" for c in ascii_name).strip() or "download"
    kind = "attachment" if as_attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


def file_response(path: Path, stored: StoredFile, *, as_attachment: bool, download_name: str | None) -> Response:
    """Stream ``path`` (werkzeug's file wrapper; ranges and ``If-None-Match`` honoured, the key
    being a strong ETag of content that never changes)."""
    mimetype = stored.content_type
    if mimetype.startswith("text/"):
        mimetype += "; charset=utf-8"
    response = send_file(path, mimetype=mimetype, conditional=True, etag=stored.key, max_age=0,
                         last_modified=stored.created_at)
    response.headers["Content-Disposition"] = content_disposition(
        download_name or stored.original_name, as_attachment=as_attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.public = False
    return response
