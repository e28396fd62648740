"""Controlled vocabularies: trial phases and therapeutic areas.

Phases use the codes of ClinicalTrials.gov API v2 / current AACT (``PHASE2``,
``PHASE1/PHASE2``...); older AACT exports spell them "Phase 1/Phase 2", so
:func:`normalize_phase` accepts both. The registry has conditions, not therapeutic areas;
``data/therapeutic_areas.csv`` maps exact condition names first, then keywords in file order.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

PHASES: tuple[str, ...] = (
    "EARLY_PHASE1",
    "PHASE1",
    "PHASE1/PHASE2",
    "PHASE2",
    "PHASE2/PHASE3",
    "PHASE3",
    "PHASE4",
    "NA",
)

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_NOT_APPLICABLE = {"na", "n/a", "not applicable", "none"}


def _phase_number(part: str) -> str | None:
    token = re.sub(r"[\s_]+", "", part.lower()).removeprefix("phase")
    token = _ROMAN.get(token, token)
    return token if token in {"1", "2", "3", "4"} else None


def normalize_phase(text: str) -> str:
    """Canonical phase code for "Phase 2", "phase2", "II", "Phase 1/Phase 2", "N/A"...

    Raises ValueError for text that names no phase.
    """
    cleaned = text.strip()
    lowered = cleaned.lower()
    if lowered in _NOT_APPLICABLE:
        return "NA"
    if cleaned.upper() in PHASES:
        return cleaned.upper()
    if re.fullmatch(r"early[\s_]*phase[\s_]*(1|i)", lowered):
        return "EARLY_PHASE1"
    numbers = [_phase_number(part) for part in re.split(r"[/,]|\band\b", lowered) if part.strip()]
    if numbers and all(numbers):
        code = "/".join(f"PHASE{n}" for n in numbers)
        if code in PHASES:
            return code
    raise ValueError(f"unknown trial phase {text!r} (expected e.g. 'Phase 2' or 'PHASE1/PHASE2')")


@cache
def _area_rules() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    exact: dict[str, str] = {}
    keywords: list[tuple[str, str]] = []
    source = resources.files(__package__).joinpath("data/therapeutic_areas.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "condition":
                exact[row["pattern"]] = row["therapeutic_area"]
            else:
                keywords.append((row["pattern"], row["therapeutic_area"]))
    return exact, tuple(keywords)


def therapeutic_areas() -> tuple[str, ...]:
    """The therapeutic areas the shipped mapping knows, sorted."""
    exact, keywords = _area_rules()
    return tuple(sorted(set(exact.values()) | {area for _, area in keywords}))


def conditions_by_area() -> dict[str, tuple[str, ...]]:
    """Condition names (lower case) per therapeutic area, as listed in the mapping."""
    grouped: dict[str, list[str]] = {}
    for condition, area in _area_rules()[0].items():
        grouped.setdefault(area, []).append(condition)
    return {area: tuple(names) for area, names in grouped.items()}


def area_for_condition(condition: str) -> str | None:
    """The therapeutic area of a condition name, or None when the mapping does not know it."""
    name = condition.strip().lower()
    exact, keywords = _area_rules()
    if name in exact:
        return exact[name]
    for keyword, area in keywords:
        if keyword in name:
            return area
    return None


def normalize_area(area: str) -> str:
    """Therapeutic areas compare lower-case with underscores: "Infectious disease" -> "infectious_disease"."""
    return re.sub(r"[\s-]+", "_", area.strip().lower())
