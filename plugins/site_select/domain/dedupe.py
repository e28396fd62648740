"""Find facilities imported more than once under different spellings.

Registries spell one hospital many ways ("St. Mary's Hospital", "Saint Marys Hosp.").
Names are first normalized (case, accents, punctuation, common abbreviations), then
compared only within the same country and city (blocking: two hospitals of the same name
in different cities are different hospitals, and blocking keeps the work near-linear).
Word order and a dropped word ("St Mary's" vs "St Mary's Hospital") do not prevent a match
(see ``name_similarity``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

from .types import Site

ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "mt": "mount",
    "ft": "fort",
    "hosp": "hospital",
    "hospl": "hospital",
    "ctr": "center",
    "cntr": "center",
    "centre": "center",
    "univ": "university",
    "uni": "university",
    "med": "medical",
    "inst": "institute",
    "natl": "national",
    "dept": "department",
    "clin": "clinic",
    "res": "research",
    "gen": "general",
    "mem": "memorial",
    "reg": "regional",
    "assoc": "associates",
}
STOPWORDS = {"the", "of", "and", "at", "de", "la", "le", "der", "die", "das"}
GENERIC_WORDS = {
    "saint",
    "sainte",
    "hospital",
    "center",
    "medical",
    "university",
    "clinic",
    "clinical",
    "research",
    "institute",
    "general",
    "regional",
    "memorial",
    "health",
    "care",
    "healthcare",
    "site",
    "centre",
    "hospitals",
    "clinics",
    "associates",
    "group",
    "foundation",
    "national",
    "department",
    "city",
    "county",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def normalize_facility_name(name: str) -> str:
    """Canonical form of a facility name: "St. Mary's Hosp., Boston" -> "saint marys hospital boston"."""
    text = _fold(name).replace("&", " and ")
    text = re.sub(r"['\u2019`]", "", text)
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(ABBREVIATIONS.get(token, token) for token in tokens)


def _tokens(normalized: str) -> frozenset[str]:
    return frozenset(token for token in normalized.split() if token not in STOPWORDS)


def _ratio(a: frozenset[str], b: frozenset[str]) -> float:
    return SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of two facility names, order-insensitive.

    The lower of two scores: the whole names (1.0 when one name's words contain the
    other's) and their distinctive words only, so "Saint Joseph Hospital" and "Saint Mary
    Hospital" differ although most of their letters agree.
    """
    tokens_a, tokens_b = _tokens(normalize_facility_name(a)), _tokens(normalize_facility_name(b))
    if not tokens_a or not tokens_b:
        return 1.0 if tokens_a == tokens_b else 0.0
    whole = 1.0 if tokens_a <= tokens_b or tokens_b <= tokens_a else _ratio(tokens_a, tokens_b)
    distinct_a, distinct_b = tokens_a - GENERIC_WORDS, tokens_b - GENERIC_WORDS
    if not distinct_a or not distinct_b:
        return whole
    return min(whole, _ratio(distinct_a, distinct_b))


def _block_key(site: Site) -> tuple[str, str]:
    return (site.country.upper(), normalize_facility_name(site.city))


def find_duplicates(sites: Iterable[Site], threshold: float = 0.85) -> list[tuple[Site, ...]]:
    """Groups (two or more sites) that look like the same facility, each sorted by site id.

    Two sites match when they share country and city and their name similarity is at
    least ``threshold`` (0..1); matches are transitive (union-find). Groups are ordered by
    their smallest site id.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    blocks: dict[tuple[str, str], list[Site]] = {}
    for site in sites:
        blocks.setdefault(_block_key(site), []).append(site)
    parent: dict[int, int] = {}

    def root(site_id: int) -> int:
        while parent.get(site_id, site_id) != site_id:
            site_id = parent[site_id]
        return site_id

    by_id: dict[int, Site] = {}
    for block in blocks.values():
        for i, first in enumerate(block):
            by_id[first.site_id] = first
            for second in block[i + 1 :]:
                if name_similarity(first.name, second.name) >= threshold:
                    a, b = root(first.site_id), root(second.site_id)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Site]] = {}
    for site_id in parent:
        groups.setdefault(root(site_id), [])
    for site_id, site in by_id.items():
        if root(site_id) in groups:
            groups[root(site_id)].append(site)
    return sorted(
        (tuple(sorted(group, key=lambda s: s.site_id)) for group in groups.values()),
        key=lambda group: group[0].site_id,
    )
