"""Small helpers the account forms share: trimmed form fields and a safe ``next`` target."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def field(name: str, limit: int = 1000) -> str:
    """A form value as text, trimmed and cut to ``limit`` characters (never None)."""
    return (request.form.get(name) or "").strip()[:limit]


def secret_field(name: str, limit: int = 1000) -> str:
    """A password as typed (not trimmed: spaces may be part of it)."""
    return (request.form.get(name) or "")[:limit]


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Accepted: ``/o/acme/?tab=1``. Refused: ``https://evil.example``, ``//evil.example``,
    ``/\\evil.example``, ``javascript:...``, anything with control characters.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
