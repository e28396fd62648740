"""A shortlist as CSV: one row per site, with its score, every component and the forecast rate."""
from __future__ import annotations

import csv
import io

from ..domain import WEIGHT_NAMES
from .evaluation import ShortlistEvaluation

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Neutralize spreadsheet formulas in text cells (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _number(value, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def shortlist_csv(evaluation: ShortlistEvaluation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["position", "site_id", "site", "country", "city", "network", "investigator", "score",
                     *[f"component_{name}" for name in WEIGHT_NAMES], "expected_per_month",
                     "startup_days", "trials", "distance_km"])
    rates = evaluation.rates
    for position, item in enumerate(evaluation.scored, start=1):
        site = item.site
        writer.writerow([position, site.site_id, _cell(site.name), site.country, _cell(site.city),
                         _cell(site.network), _cell(site.investigator), _number(item.score, 2),
                         *[_number(item.components.get(name)) for name in WEIGHT_NAMES],
                         _number(rates.get(site.site_id), 2), _number(item.metrics.startup_days, 0),
                         item.metrics.trials, _number(item.distance_km, 0)])
    return out.getvalue()
