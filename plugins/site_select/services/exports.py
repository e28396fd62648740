"""A shortlist as CSV rows: one row per site, with its score, every component and the forecast
rate (written by the SDK's formula-safe CSV writer)."""
from __future__ import annotations

from decimal import Decimal

from ..domain import WEIGHT_NAMES
from .evaluation import ShortlistEvaluation

SHORTLIST_CSV_HEADER = ["position", "site_id", "site", "country", "city", "network", "investigator", "score",
                        *[f"component_{name}" for name in WEIGHT_NAMES], "expected_per_month",
                        "startup_days", "trials", "distance_km"]


def _number(value, digits: int = 3) -> Decimal | str:
    """A rounded number that stays a number in the CSV (so a negative one is not quoted as text)."""
    return "" if value is None else Decimal(f"{value:.{digits}f}")


def shortlist_rows(evaluation: ShortlistEvaluation):
    rates = evaluation.rates
    for position, item in enumerate(evaluation.scored, start=1):
        site = item.site
        yield [position, site.site_id, site.name, site.country, site.city, site.network, site.investigator,
               _number(item.score, 2), *[_number(item.components.get(name)) for name in WEIGHT_NAMES],
               _number(rates.get(site.site_id), 2), _number(item.metrics.startup_days, 0),
               item.metrics.trials, _number(item.distance_km, 0)]
