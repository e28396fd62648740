"""Rank candidate sites for a trial spec with a transparent weighted score.

    score = 100 x sum over components c of (w_c / sum of weights) x component_c

Components are the site's percentile among the candidates on each metric, 0..1 (see
``components``), so the score is 0..100 and each term is the number of points that
component contributes; a site best on every metric scores 100. Sorting is by score, then site id, so equal
scores come out in a stable order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from .components import metric_values, percentile_ranks
from .explain import explain
from .geo import filter_sites
from .metrics import DEFAULT_HALF_LIFE_YEARS, compute_metrics_with_baseline, metrics_without_history
from .shrinkage import DEFAULT_PRIOR_STRENGTH
from .types import WEIGHT_NAMES, Baseline, ScoredSite, Site, SiteMetrics, TrialHistory, TrialSpec, Weights


def score_sites(
    candidates: Sequence[tuple[Site, float | None]],
    metrics: Mapping[int, SiteMetrics],
    baseline: Baseline,
    weights: Weights = Weights(),
    *,
    area: str = "",
    limit: int | None = None,
) -> list[ScoredSite]:
    """Score, sort and explain already-filtered candidates (site, distance in km or None).

    Sites missing from ``metrics`` are scored as sites without history. With ``limit`` only
    the best ``limit`` sites are returned (and explained).
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if not candidates:
        return []
    share = weights.normalized().as_dict()
    site_metrics = [
        metrics.get(site.site_id) or metrics_without_history(site.site_id, baseline) for site, _ in candidates
    ]
    values = [metric_values(item, baseline) for item in site_metrics]
    columns = {name: percentile_ranks([row[name] for row in values]) for name in WEIGHT_NAMES}
    scores = [
        sum(100.0 * share[name] * columns[name][index] for name in WEIGHT_NAMES)
        for index in range(len(candidates))
    ]
    average = {name: 100.0 * share[name] * sum(column) / len(column) for name, column in columns.items()}
    keys = ((scores[index], -candidates[index][0].site_id, index) for index in range(len(candidates)))
    best = heapq.nlargest(limit, keys) if limit is not None else sorted(keys, reverse=True)
    scored = []
    for score, _, index in best:
        site, distance = candidates[index]
        components = {name: columns[name][index] for name in WEIGHT_NAMES}
        contributions = {name: 100.0 * share[name] * components[name] for name in WEIGHT_NAMES}
        up, down = explain(components, contributions, average, site_metrics[index], baseline, area)
        scored.append(
            ScoredSite(
                site=site,
                score=score,
                components=components,
                contributions=contributions,
                metrics=site_metrics[index],
                distance_km=distance,
                reasons_up=up,
                reasons_down=down,
            )
        )
    return scored


def rank_sites(
    sites: Iterable[Site],
    history: Iterable[TrialHistory],
    spec: TrialSpec,
    weights: Weights = Weights(),
    *,
    as_of: date,
    half_life_years: float | None = DEFAULT_HALF_LIFE_YEARS,
    prior_strength: float | None = DEFAULT_PRIOR_STRENGTH,
    limit: int | None = None,
) -> list[ScoredSite]:
    """Hard-filter ``sites`` for ``spec``, then score them from their history in the spec's
    therapeutic area as known on ``as_of``; best first, each with its reasons.

    Metrics are computed over the whole area's history (not just the candidates), so the
    shrinkage target is the area mean, not the mean of the countries that were picked.
    """
    candidates = filter_sites(sites, spec)
    metrics, baseline = compute_metrics_with_baseline(
        history,
        as_of=as_of,
        therapeutic_area=spec.therapeutic_area,
        half_life_years=half_life_years,
        prior_strength=prior_strength,
    )
    return score_sites(candidates, metrics, baseline, weights, area=spec.therapeutic_area, limit=limit)
