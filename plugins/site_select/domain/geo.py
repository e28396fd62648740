"""Great-circle distance and the hard filters applied before any scoring.

Hard filters remove sites that cannot take part (wrong country, too far, excluded, no
experience in the area); everything else is a matter of degree and belongs in the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .types import Site, TrialSpec
from .vocabulary import normalize_area

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the value the haversine package uses."""


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (latitude, longitude) points in degrees."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def filter_sites(sites: Iterable[Site], spec: TrialSpec) -> list[tuple[Site, float | None]]:
    """Sites that pass the spec's hard filters, each with its distance to the center (km).

    A site passes when it is not excluded, lists the spec's therapeutic area, lies in one of
    the spec's countries (any country when none is given) and, with a radius, has
    coordinates within ``radius_km`` of ``center``. A site without coordinates fails a
    radius filter: we cannot tell that it is near.
    """
    area = spec.therapeutic_area
    countries = set(spec.countries)
    kept: list[tuple[Site, float | None]] = []
    for site in sites:
        if site.site_id in spec.exclude_site_ids:
            continue
        if countries and site.country not in countries:
            continue
        if area not in site.therapeutic_areas and area not in {
            normalize_area(a) for a in site.therapeutic_areas
        }:
            continue
        distance = None
        if spec.center is not None and site.coordinates is not None:
            distance = haversine_km(spec.center, site.coordinates)
        if spec.radius_km is not None and (distance is None or distance > spec.radius_km):
            continue
        kept.append((site, distance))
    return kept
