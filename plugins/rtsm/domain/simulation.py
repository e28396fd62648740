"""Plan evaluation: simulate a scheme on random subjects and report how balanced it keeps the arms.

Definitions (every count is divided by its arm's ratio first, so with 2:1, 4 on A and 2 on B is
perfectly balanced; with 1:1 these are plain count differences):

- the imbalance of a group of subjects is max over arms - min over arms of count / ratio;
- the overall imbalance is the imbalance of all subjects;
- the marginal imbalance of a factor is the largest imbalance over its levels (subjects at one
  level: all women, all of site S01...);
- the max marginal imbalance is the largest over the reported factors (the overall imbalance
  when there are none).

Subjects are drawn uniformly over the sites and each factor's levels, from a stream that depends
only on the seed, the trial number, the sites and the factors: two schemes simulated with the same
seed and ``factors`` see the same subjects, so they can be compared trial by trial. The sites and
factors reported are the scheme's own, plus "site" when sites are given; ``factors`` overrides
them (to measure a simple scheme on a minimization scheme's factors, for instance).
"""
from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass

from .lists import ListEntry, generate_list, new_seed
from .minimization import MarginalCounts, choose_arm, rng_for
from .schemes import SITE, SchemeConfig, stratum_key, subject_levels

MAX_SUBJECTS = 10_000
MAX_TRIALS = 500
MAX_POINTS = 100
BENCH_SITES = ("S01", "S02", "S03", "S04")


@dataclass(frozen=True)
class SimulationResult:
    subjects: int
    trials: int
    totals: dict[str, int]  # arm -> subjects, summed over all trials
    factor_imbalance: dict[str, float]  # factor -> final marginal imbalance (mean over trials)
    final_imbalances: tuple[float, ...]  # each trial's final max marginal imbalance
    progression: tuple[tuple[int, float], ...]  # (n, overall imbalance after n subjects), mean over trials
    marginal_progression: tuple[tuple[int, float], ...]  # (n, max marginal imbalance), mean over trials
    median_imbalance: float | None  # of final_imbalances, when trials > 1
    p95_imbalance: float | None

    def to_json(self) -> dict:
        return {
            "subjects": self.subjects, "trials": self.trials, "totals": dict(self.totals),
            "factor_imbalance": dict(self.factor_imbalance),
            "final_imbalances": list(self.final_imbalances),
            "progression": [list(point) for point in self.progression],
            "marginal_progression": [list(point) for point in self.marginal_progression],
            "median_imbalance": self.median_imbalance, "p95_imbalance": self.p95_imbalance,
        }


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's and R's default, type 7)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _imbalance(by_arm: dict[str, int], config: SchemeConfig) -> float:
    scaled = [by_arm.get(arm.code, 0) / arm.ratio for arm in config.arms]
    return max(scaled) - min(scaled)


def _max_marginal(counts: MarginalCounts, totals: dict[str, int], config: SchemeConfig) -> tuple[float, dict]:
    per_factor = {
        factor: max(_imbalance(by_arm, config) for by_arm in levels.values())
        for factor, levels in counts.counts.items()
    }
    overall = _imbalance(totals, config)
    return (max(per_factor.values()) if per_factor else overall), per_factor


def _points(subjects: int) -> list[int]:
    """At most MAX_POINTS subject counts, evenly spread, ending with ``subjects``."""
    return sorted({max(1, round(k * subjects / MAX_POINTS)) for k in range(1, MAX_POINTS + 1)})


def _check_limits(config: SchemeConfig, sites: list[str], subjects: int, trials: int) -> None:
    if isinstance(subjects, bool) or not isinstance(subjects, int) or not 1 <= subjects <= MAX_SUBJECTS:
        raise ValueError(f"Simulate from 1 to {MAX_SUBJECTS:,} subjects; {subjects!r} asked.")
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise ValueError(f"Simulate from 1 to {MAX_TRIALS} trials; {trials!r} asked.")
    if config.uses_site and not sites:
        raise ValueError("This scheme randomizes by site: give the study's sites to simulate it.")


class _Allocator:
    """Assigns simulated subjects in order, as the services would, for one trial."""

    def __init__(self, config: SchemeConfig, seed: bytes):
        self.config, self.seed = config, seed
        self.lists: dict[str, list[ListEntry]] = {}
        self.used: dict[str, int] = {}
        self.counts = MarginalCounts()
        self.sequence = 0

    def assign(self, site: str, factors: dict[str, str]) -> str:
        config = self.config
        self.sequence += 1
        if config.type == "minimization":
            levels = subject_levels(config, site, factors)
            arm = choose_arm(config, self.counts, levels, rng_for(self.seed, self.sequence)).arm
            self.counts.add(levels, arm)
            return arm
        key = stratum_key(config, site, factors)
        entries = self.lists.get(key, [])
        index = self.used.get(key, 0)
        if index >= len(entries):  # extend the list as the services do: a longer, prefix-stable one
            entries = generate_list(config, self.seed, key, max(config.list_length, 2 * len(entries)))
            self.lists[key] = entries
        self.used[key] = index + 1
        return entries[index].arm


def _draw_subjects(seed: bytes, sites: list[str], factors: dict[str, tuple[str, ...]], subjects: int):
    rng = random.Random(int.from_bytes(hashlib.sha256(seed + b"|subjects").digest(), "big"))
    for _ in range(subjects):
        site = rng.choice(sites) if sites else ""
        yield site, {name: rng.choice(levels) for name, levels in factors.items() if name != SITE}


def _factor_levels(config: SchemeConfig, sites: list[str], factors: dict | None) -> dict[str, tuple[str, ...]]:
    chosen = dict(config.factors if factors is None else factors)
    if sites:
        chosen.setdefault(SITE, ())
    return {name: tuple(sites) if name == SITE and not levels else tuple(levels)
            for name, levels in chosen.items()}


def simulate(config: SchemeConfig, sites: list[str], subjects: int, seed: bytes | None = None,
             trials: int = 1, factors: dict[str, tuple[str, ...]] | None = None) -> SimulationResult:
    """Simulate ``trials`` trials of ``subjects`` subjects each; see the module for the measures."""
    sites = list(sites)
    _check_limits(config, sites, subjects, trials)
    seed = new_seed() if seed is None else seed
    reported = _factor_levels(config, sites, factors)
    drawn = {**{name: config.levels(name, sites) for name in config.factors}, **reported}
    points = _points(subjects)
    overall_sums = [0.0] * len(points)
    marginal_sums = [0.0] * len(points)
    totals = {code: 0 for code in config.arm_codes}
    factor_sums = {name: 0.0 for name in reported}
    finals: list[float] = []
    for trial in range(trials):
        trial_seed = hashlib.sha256(seed + b"|trial|" + str(trial).encode()).digest()
        allocator = _Allocator(config, trial_seed)
        counts, trial_totals, point = MarginalCounts(), {code: 0 for code in config.arm_codes}, 0
        for n, (site, levels) in enumerate(_draw_subjects(trial_seed, sites, drawn, subjects), start=1):
            arm = allocator.assign(site, levels)
            trial_totals[arm] += 1
            counts.add({name: site if name == SITE else levels[name] for name in reported}, arm)
            if n == points[point]:
                overall_sums[point] += _imbalance(trial_totals, config)
                marginal_sums[point] += _max_marginal(counts, trial_totals, config)[0]
                point += 1
        final, per_factor = _max_marginal(counts, trial_totals, config)
        finals.append(final)
        for name, value in per_factor.items():
            factor_sums[name] += value
        for code, count in trial_totals.items():
            totals[code] += count
    return SimulationResult(
        subjects=subjects, trials=trials, totals=totals,
        factor_imbalance={name: total / trials for name, total in factor_sums.items()},
        final_imbalances=tuple(finals),
        progression=tuple((n, total / trials) for n, total in zip(points, overall_sums)),
        marginal_progression=tuple((n, total / trials) for n, total in zip(points, marginal_sums)),
        median_imbalance=quantile(finals, 0.5) if trials > 1 else None,
        p95_imbalance=quantile(finals, 0.95) if trials > 1 else None,
    )


def randomize_in_process(config: SchemeConfig, seed: bytes, subjects: int,
                         sites: list[str] | None = None) -> float:
    """Randomizations per second of the scheme alone: the limit with no HTTP and no database.

    Lists are generated beforehand (the services keep them ahead of need); what is timed per
    subject is the stratum lookup and the list read, or one minimization step (counts included).
    """
    sites = list(sites or BENCH_SITES)
    _check_limits(config, sites, subjects, 1)
    levels = {name: config.levels(name, sites) for name in config.factors}
    people = list(_draw_subjects(seed, sites, levels, subjects))
    allocator = _Allocator(config, seed)
    if config.type != "minimization":
        needed: dict[str, int] = {}
        for site, factors in people:
            key = stratum_key(config, site, factors)
            needed[key] = needed.get(key, 0) + 1
        allocator.lists = {key: generate_list(config, seed, key, count) for key, count in needed.items()}
    started = time.perf_counter()
    for site, factors in people:
        allocator.assign(site, factors)
    elapsed = time.perf_counter() - started
    return subjects / max(elapsed, 1e-9)
