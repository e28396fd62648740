"""Pocock-Simon minimization with a biased coin, for equal or unequal allocation ratios.

For each candidate arm, the subject is added to it hypothetically; at the subject's level of each
factor the imbalance across arms is measured on counts divided by the arm's ratio (Han et al.
2009, as in smallerize: with 2:1, 4 on A and 2 on B is balanced), as the range (max - min) or the
population variance, and the factors' imbalances are summed with their weights. The arms with the
lowest total are preferred. Then:

- every arm scores the same: the arm is drawn by the ratio (there is nothing to minimize);
- otherwise, with probability ``p`` one preferred arm is taken (a tie among several preferred arms
  is drawn by their ratio), else one of the other arms, drawn by their ratio. ``p == 1`` always
  takes a preferred arm and tosses no coin, so without a tie the choice is deterministic.

``p`` is the same whatever the preferred arm's ratio: Han's ratio-dependent high probability
(smallerize's "biased_coin") is not applied. Weighting counts by 1/ratio is what keeps an unequal
ratio over a trial (tested); note that a 2:1 trial's first subject goes to A, not by the ratio,
since (0 + 1)/2 on A is less imbalance than 1/1 on B. (smallerize 0.5 adds a whole 1 to the
already divided count; here the subject is added first, then the count is divided.)

Scores are computed exactly in integers (counts scaled by the lcm of the ratios) and reported in
counts/ratio units; weights (floats) are compared with a small tolerance so that equal totals
reached by different sums still tie.
"""
from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from .lists import HashRandom, weighted_index
from .schemes import SchemeConfig

TIE_TOLERANCE = 1e-9


@dataclass
class MarginalCounts:
    """How many subjects of each level of each factor went to each arm: counts[factor][level][arm]."""

    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def add(self, factors: dict[str, str], arm: str) -> None:
        for factor, level in factors.items():
            by_arm = self.counts.setdefault(factor, {}).setdefault(level, {})
            by_arm[arm] = by_arm.get(arm, 0) + 1

    def count(self, factor: str, level: str, arm: str) -> int:
        return self.counts.get(factor, {}).get(level, {}).get(arm, 0)

    @classmethod
    def from_allocations(cls, allocations: Iterable[tuple[dict[str, str], str]]) -> MarginalCounts:
        """Rebuilt from (the subject's factor levels, arm) of every subject randomized so far."""
        counts = cls()
        for factors, arm in allocations:
            counts.add(factors, arm)
        return counts


@dataclass(frozen=True)
class Choice:
    arm: str
    scores: dict[str, float]  # arm -> weighted total imbalance had the subject gone there
    preferred: tuple[str, ...]  # the arms with the lowest score
    by_coin: bool  # True when the coin sent the subject to an arm that was not preferred


def rng_for(seed: bytes, sequence: int) -> random.Random:
    """The generator for the randomization numbered ``sequence``: deterministic, unpredictable."""
    return HashRandom(hashlib.sha256(seed + b"|minimization|" + str(sequence).encode()).digest())


def _imbalance(values: list[int], kind: str) -> int:
    """Range, or variance times len(values)**2 (an integer proportional to the variance)."""
    if kind == "variance":
        return len(values) * sum(v * v for v in values) - sum(values) ** 2
    return max(values) - min(values)


def scores_of(config: SchemeConfig, counts: MarginalCounts, factors: dict[str, str]) -> dict[str, float]:
    """arm -> the weighted total imbalance if the subject were assigned to that arm."""
    missing = [name for name in config.factors if factors.get(name) in (None, "")]
    if missing:
        raise ValueError(f"Minimization needs the subject's level of: {', '.join(missing)}.")
    codes = config.arm_codes
    scale = math.lcm(*(arm.ratio for arm in config.arms))
    multipliers = [scale // arm.ratio for arm in config.arms]
    # back to counts/ratio units: range / scale; variance / (K^2 scale^2)
    unit = scale if config.imbalance == "range" else (len(codes) * scale) ** 2
    totals = {code: 0.0 for code in codes}
    for factor in config.factors:
        level = factors[factor]
        base = [counts.count(factor, level, code) for code in codes]
        for i, code in enumerate(codes):
            scaled = [(n + (j == i)) * m for j, (n, m) in enumerate(zip(base, multipliers))]
            totals[code] += config.weight(factor) * _imbalance(scaled, config.imbalance) / unit
    return totals


def choose_arm(config: SchemeConfig, counts: MarginalCounts, factors: dict[str, str],
               rng: random.Random) -> Choice:
    """The arm for a subject with these factor levels (site included when it is a factor)."""
    scores = scores_of(config, counts, factors)
    lowest = min(scores.values())
    tolerance = TIE_TOLERANCE * max(1.0, abs(lowest))
    preferred = tuple(code for code in config.arm_codes if scores[code] - lowest <= tolerance)
    others = tuple(code for code in config.arm_codes if code not in preferred)
    if not others:
        pool, by_coin = preferred, False
    elif config.p >= 1 or rng.random() < config.p:
        pool, by_coin = preferred, False
    else:
        pool, by_coin = others, True
    if len(pool) == 1:
        arm = pool[0]
    else:
        arm = pool[weighted_index(rng, [config.ratio_of(code) for code in pool])]
    return Choice(arm=arm, scores=scores, preferred=preferred, by_coin=by_coin)
