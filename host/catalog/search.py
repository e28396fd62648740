"""Filtering the marketplace: free-text search and a category, no database involved."""
from __future__ import annotations

from sdk.manifest import CATEGORIES, Manifest


def searchable_text(manifest: Manifest) -> str:
    return " ".join((manifest.key, manifest.name, manifest.summary, manifest.description,
                     manifest.publisher)).casefold()


def filter_tools(manifests: list[Manifest], query: str = "", category: str = "") -> list[Manifest]:
    """Tools in ``category`` (when it is a known one) whose text holds every word of ``query``."""
    words = query.casefold().split()
    found = [m for m in manifests
             if (category not in CATEGORIES or m.category == category)
             and all(word in searchable_text(m) for word in words)]
    return sorted(found, key=lambda m: m.name.casefold())
