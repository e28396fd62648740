"""Back-test: would the ranking have picked the sites that went on to enroll best?

For every trial that started in or after ``cutoff_year`` we rank its participating sites
using only what was known on the eve of that year, and compare the order with the rates the
sites actually achieved, by NDCG@k (gain = achieved subjects per month, discount
1/log2(position + 1)). Two references show whether the score adds anything: each site's
plain historical mean rate (unweighted, unshrunk), and random order (averaged over shuffles).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from .metrics import compute_metrics_with_baseline, enrollment_rate
from .ranking import score_sites
from .types import Site, TrialHistory, Weights

RANDOM_ROUNDS = 20


def ndcg_at_k(ranked_ids: Sequence[int], relevance: Mapping[int, float], k: int = 10) -> float:
    """Normalized discounted cumulative gain of the first ``k`` ids (linear gains).

    Ids missing from ``relevance`` have gain 0. Returns 0.0 when no item has any gain.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    dcg = sum(
        relevance.get(item, 0.0) / math.log2(position + 2) for position, item in enumerate(ranked_ids[:k])
    )
    ideal = sorted(relevance.values(), reverse=True)[:k]
    idcg = sum(gain / math.log2(position + 2) for position, gain in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def _future_trials(
    history: Iterable[TrialHistory],
    cutoff: date,
    site_ids: set[int],
) -> dict[str, tuple[str, dict[int, float]]]:
    """trial_ref -> (therapeutic area, achieved rate per site) for trials starting on/after cutoff."""
    trials: dict[str, tuple[str, dict[int, float]]] = {}
    too_early: set[str] = set()
    for row in history:
        reference = row.reference_date
        if reference is None or reference < cutoff:
            too_early.add(row.trial_ref)
            continue
        rate = enrollment_rate(row)
        if rate is None or row.site_id not in site_ids:
            continue
        trials.setdefault(row.trial_ref, (row.therapeutic_area, {}))[1][row.site_id] = rate
    return {ref: value for ref, value in trials.items() if ref not in too_early}


def backtest(
    sites: Iterable[Site],
    history: Iterable[TrialHistory],
    cutoff_year: int,
    k: int = 10,
    *,
    weights: Weights = Weights(),
    seed: int = 0,
) -> dict[str, float | int]:
    """Mean NDCG@k over the trials from ``cutoff_year`` on with at least ``k`` sites.

    Returns ``{"ours", "historical_mean", "random", "trials", "cutoff_year", "k"}``.
    """
    by_id = {site.site_id: site for site in sites}
    rows = list(history)
    cutoff = date(cutoff_year, 1, 1)
    as_of = cutoff - timedelta(days=1)
    trials = {
        ref: value for ref, value in _future_trials(rows, cutoff, set(by_id)).items() if len(value[1]) >= k
    }
    rng = random.Random(seed)
    cache: dict[str, tuple] = {}
    totals = {"ours": 0.0, "historical_mean": 0.0, "random": 0.0}
    for ref in sorted(trials):
        area, achieved = trials[ref]
        if area not in cache:
            scored = compute_metrics_with_baseline(rows, as_of=as_of, therapeutic_area=area)
            plain = compute_metrics_with_baseline(
                rows, as_of=as_of, therapeutic_area=area, half_life_years=None, prior_strength=0.0
            )
            cache[area] = (scored, plain)
        (metrics, baseline), (plain_metrics, plain_baseline) = cache[area]
        candidates = [(by_id[site_id], None) for site_id in sorted(achieved)]
        ours = [item.site.site_id for item in score_sites(candidates, metrics, baseline, weights, area=area)]
        totals["ours"] += ndcg_at_k(ours, achieved, k)

        def historical(site_id: int) -> float:
            found = plain_metrics.get(site_id)
            value = found.raw_enrollment_rate if found is not None else None
            return value if value is not None else (plain_baseline.enrollment_rate or 0.0)

        totals["historical_mean"] += ndcg_at_k(
            sorted(achieved, key=lambda s: (-historical(s), s)), achieved, k
        )
        shuffled = sorted(achieved)
        for _ in range(RANDOM_ROUNDS):
            rng.shuffle(shuffled)
            totals["random"] += ndcg_at_k(shuffled, achieved, k) / RANDOM_ROUNDS
    count = len(trials)
    result: dict[str, float | int] = {
        name: (total / count if count else 0.0) for name, total in totals.items()
    }
    result.update(trials=count, cutoff_year=cutoff_year, k=k)
    return result
