"""Benchmark: rank 50,000 sites with 500,000 history rows for one trial spec.

Prints the data-generation time, the time and peak memory of ``rank_sites`` (hard filters,
metrics over the whole history, scoring and explanations), and the ratio of its scoring
step to a vectorized NumPy computation of the same score from pre-computed metric arrays.
Run from the repository root:  python bench/site_rank.py  [--sites N --trials N --per-trial N]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from datetime import date

import numpy as np

from plugins.site_select.domain import TrialSpec, Weights, generate_dataset, rank_sites, score_sites
from plugins.site_select.domain.components import DEVIATIONS_WORST, QUERIES_WORST
from plugins.site_select.domain.geo import filter_sites
from plugins.site_select.domain.metrics import compute_metrics_with_baseline

SPEC = TrialSpec(
    therapeutic_area="oncology",
    condition="Breast Cancer",
    phase="Phase 3",
    countries=(),
    target_enrollment=600,
    start_date=date(2025, 3, 1),
    target_lsi=date(2027, 6, 30),
)
AS_OF = date(2025, 1, 1)


def numpy_percentiles(values: np.ndarray) -> np.ndarray:
    """Mid-rank percentiles with ties counting half, as ``components.percentile_ranks``."""
    ordered = np.sort(values)
    below = np.searchsorted(ordered, values, side="left")
    last_equal = np.searchsorted(ordered, values, side="right") - 1
    return (below + last_equal) / 2 / (len(values) - 1)


def metric_arrays(candidates, metrics, baseline) -> dict[str, np.ndarray]:
    """The six oriented metrics as arrays (missing values filled with the area mean)."""

    def column(attribute: str, fallback: float | None) -> np.ndarray:
        values = [getattr(metrics.get(site.site_id), attribute, None) for site, _ in candidates]
        return np.array([fallback if value is None else value for value in values], dtype=float)

    queries = column("queries_per_100", baseline.queries_per_100)
    deviations = column("deviations_per_subject", baseline.deviations_per_subject)
    return {
        "enrollment": column("enrollment_rate", baseline.enrollment_rate),
        "screen_failure": -column("screen_failure_rate", baseline.screen_failure_rate),
        "startup": -column("startup_days", baseline.startup_days),
        "zero_enroller": -column("zero_enroller_share", baseline.zero_enroller_share),
        "data_quality": (
            np.clip(1 - queries / QUERIES_WORST, 0, 1) + np.clip(1 - deviations / DEVIATIONS_WORST, 0, 1)
        )
        / 2,
        "experience": column("effective_trials", 0.0),
    }


def numpy_scores(arrays: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    share = weights.normalized().as_dict()
    return sum(100.0 * share[name] * numpy_percentiles(values) for name, values in arrays.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--per-trial", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    started = time.perf_counter()
    sites, history = generate_dataset(
        args.seed, args.sites, args.trials, sites_per_trial=(args.per_trial,) * 2
    )
    elapsed = time.perf_counter() - started
    print(f"generated {len(sites):,} sites, {len(history):,} history rows in {elapsed:.1f} s")

    weights = Weights()
    started = time.perf_counter()
    ranked = rank_sites(sites, history, SPEC, weights, as_of=AS_OF)
    rank_time = time.perf_counter() - started
    print(
        f"rank_sites: {len(ranked):,} {SPEC.therapeutic_area} candidates ranked in {rank_time:.2f} s "
        f"(best: {ranked[0].site.name}, {ranked[0].score:.1f})"
    )

    started = time.perf_counter()
    candidates = filter_sites(sites, SPEC)
    filter_time = time.perf_counter() - started
    started = time.perf_counter()
    metrics, baseline = compute_metrics_with_baseline(
        history, as_of=AS_OF, therapeutic_area=SPEC.therapeutic_area
    )
    metrics_time = time.perf_counter() - started
    started = time.perf_counter()
    scored = score_sites(candidates, metrics, baseline, weights, area=SPEC.therapeutic_area)
    score_time = time.perf_counter() - started
    print(
        f"  of which: filters {filter_time:.2f} s, metrics over {len(history):,} rows {metrics_time:.2f} s, "
        f"scoring + explanations {score_time:.2f} s"
    )

    every_site = [(site, None) for site in sites]
    started = time.perf_counter()
    score_sites(every_site, metrics, baseline, weights, area=SPEC.therapeutic_area)
    print(f"score_sites on all {len(every_site):,} sites (no filter): {time.perf_counter() - started:.2f} s")

    arrays = metric_arrays(candidates, metrics, baseline)
    started = time.perf_counter()
    vector = numpy_scores(arrays, weights)
    order = np.lexsort((np.array([site.site_id for site, _ in candidates]), -vector))
    numpy_time = time.perf_counter() - started
    by_id = {item.site.site_id: item.score for item in scored}
    difference = max(abs(by_id[site.site_id] - value) for (site, _), value in zip(candidates, vector))
    same_order = [candidates[index][0].site_id for index in order] == [item.site.site_id for item in scored]
    print(
        f"numpy score alone: {numpy_time * 1000:.1f} ms; "
        f"scoring ratio python/numpy = {score_time / numpy_time:.0f}x, "
        f"whole rank_sites/numpy = {rank_time / numpy_time:.0f}x; max score difference {difference:.1e}, "
        f"same order: {same_order}"
    )

    tracemalloc.start()
    rank_sites(sites, history, SPEC, weights, as_of=AS_OF)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory allocated by rank_sites: {peak / 2**20:.1f} MiB (tracemalloc); "
        f"process max RSS incl. the data: {max_rss:.0f} MiB"
    )


if __name__ == "__main__":
    main()
