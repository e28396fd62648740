"""Per-request memory of who holds what (stored permissions, tool roles, grants), so one page's
many ``can()`` checks cost one query each; dropped when grants or roles change mid-request."""
from __future__ import annotations

from flask import g, has_app_context

_KEY = "trialoffice_access_cache"


def cached(membership, name: str, load):
    """``load(membership)``, remembered for the app context under (membership, ``name``)."""
    if not has_app_context():
        return load(membership)
    cache = g.setdefault(_KEY, {})
    key = (membership.id, name)
    if key not in cache:
        cache[key] = load(membership)
    return cache[key]


def forget_access_cache() -> None:
    """After grants or roles change within a request."""
    if has_app_context():
        g.pop(_KEY, None)
