"""The shipped table of real cities with their coordinates (``data/cities.csv``).

AACT gives a facility's city and country but no coordinates, so the import and the
synthetic generator place a facility at its city's center: close enough for a radius
filter measured in tens or hundreds of kilometres.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .dedupe import normalize_facility_name


@dataclass(frozen=True, slots=True)
class City:
    country: str
    name: str
    state: str
    latitude: float
    longitude: float


@cache
def cities() -> tuple[City, ...]:
    """All cities of the table, in file order (grouped by country)."""
    source = resources.files(__package__).joinpath("data/cities.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        return tuple(
            City(row["country"], row["city"], row["state"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        )


@cache
def _by_key() -> dict[tuple[str, str], City]:
    return {(city.country, normalize_facility_name(city.name)): city for city in cities()}


def city_coordinates(country: str, city: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a known city, matched case- and accent-insensitively; else None."""
    found = _by_key().get((country.upper(), normalize_facility_name(city)))
    return None if found is None else (found.latitude, found.longitude)
