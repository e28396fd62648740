"""Deterministic synthetic site history for demos, tests and the benchmark.

Every site has a persistent latent quality (enrollment skill, start-up speed, screen
failure, chance of enrolling nobody, data quality) drawn once; each trial it joins draws
noisy outcomes around those. History therefore predicts the future, but noisily, which is
what ranking has to cope with. Everything comes from one seeded ``random.Random``: the same
seed gives the same data on every machine, and no network is needed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from .places import cities
from .synthetic_names import CAMPUSES, FIRST_NAMES, NAME_PATTERNS, NETWORKS, SAINTS, SURNAMES
from .synthetic_params import (
    AREA_RATES,
    AREA_WEIGHTS,
    COUNTRY_WEIGHTS,
    DEFAULT_COUNTRY_WEIGHT,
    DRIFT_ORIGIN_YEAR,
    DRIFT_PER_YEAR,
    PHASE_RATE,
    PHASE_WEIGHTS,
)
from .types import Site, TrialHistory
from .vocabulary import conditions_by_area

FIRST_START = date(2010, 1, 1).toordinal()
LAST_START = date(2022, 12, 31).toordinal()


@dataclass(frozen=True, slots=True)
class TrialPlan:
    """A synthetic study as the registry would describe it."""

    nct_id: str
    title: str
    phase: str
    therapeutic_area: str
    condition: str
    start: date
    enrollment_end: date


@dataclass(frozen=True, slots=True)
class SyntheticWorld:
    sites: list[Site]
    trials: list[TrialPlan]
    history: list[TrialHistory]


@dataclass(frozen=True, slots=True)
class _Latent:
    skill: float
    startup_days: float
    screen_failure: float
    zero_chance: float
    queries: float
    deviations: float
    drift: float


def _clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _latent(rng: random.Random) -> _Latent:
    skill = math.exp(rng.gauss(0.0, 0.45))
    slow = skill**-0.5
    return _Latent(
        skill=skill,
        startup_days=_clamp(85.0 * slow * math.exp(rng.gauss(0.0, 0.35)), 30.0, 200.0),
        screen_failure=_clamp(0.30 - 0.06 * math.log(skill) + rng.gauss(0.0, 0.07), 0.10, 0.60),
        zero_chance=_clamp(0.08 * skill**-1.5, 0.01, 0.45),
        queries=6.0 * slow * math.exp(rng.gauss(0.0, 0.35)),
        deviations=0.08 * slow * math.exp(rng.gauss(0.0, 0.4)),
        drift=rng.gauss(0.0, DRIFT_PER_YEAR),
    )


def _site_name(rng: random.Random, city: str, taken: set[tuple[str, str]], site_id: int) -> str:
    for attempt in range(8):
        name = rng.choice(NAME_PATTERNS).format(
            city=city, saint=rng.choice(SAINTS), surname=rng.choice(SURNAMES), surname2=rng.choice(SURNAMES)
        )
        if attempt >= 3:
            name = f"{name}, {rng.choice(CAMPUSES)}"
        if (name, city) not in taken:
            break
    else:
        name = f"{name} (site {site_id})"
    taken.add((name, city))
    return name


def _make_sites(rng: random.Random, n_sites: int) -> tuple[list[Site], list[_Latent]]:
    by_country: dict[str, list] = {}
    for city in cities():
        by_country.setdefault(city.country, []).append(city)
    country_weights = {code: COUNTRY_WEIGHTS.get(code, DEFAULT_COUNTRY_WEIGHT) for code in by_country}
    taken: set[tuple[str, str]] = set()
    sites, latents = [], []
    for site_id in range(1, n_sites + 1):
        city = rng.choice(by_country[_weighted(rng, country_weights)])
        areas = {_weighted(rng, AREA_WEIGHTS)}
        while rng.random() < 0.45 and len(areas) < 4:
            areas.add(_weighted(rng, AREA_WEIGHTS))
        sites.append(
            Site(
                site_id=site_id,
                name=_site_name(rng, city.name, taken, site_id),
                country=city.country,
                city=city.name,
                latitude=city.latitude,
                longitude=city.longitude,
                therapeutic_areas=tuple(sorted(areas)),
                conditions=(),
                network=rng.choice(NETWORKS) if rng.random() < 0.25 else None,
                investigator=f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            )
        )
        latents.append(_latent(rng))
    return sites, latents


def _plan_trial(rng: random.Random, index: int, conditions: dict[str, tuple[str, ...]]) -> TrialPlan:
    area = _weighted(rng, AREA_WEIGHTS)
    condition = rng.choice(conditions[area]).title()
    phase = _weighted(rng, PHASE_WEIGHTS)
    start = rng.randint(FIRST_START, LAST_START)
    title = f"A {phase.replace('PHASE', 'Phase ')} Study of XR-{rng.randint(100, 999)} in {condition}"
    return TrialPlan(
        nct_id=f"NCT{index + 1:08d}",
        title=title,
        phase=phase,
        therapeutic_area=area,
        condition=condition,
        start=date.fromordinal(start),
        enrollment_end=date.fromordinal(start + rng.randint(270, 900)),
    )


def _between(rng: random.Random, low: int, high: int) -> int:
    """A whole number in [low, high]; cheaper than ``randint`` in the per-row loop."""
    return low + int(rng.random() * (high - low + 1))


def _participation(
    rng: random.Random, trial: TrialPlan, site_id: int, latent: _Latent, area_skill: float, target: int
) -> TrialHistory:
    selected = trial.start.toordinal() + _between(rng, 0, 45)
    activated = selected + round(_clamp(latent.startup_days * math.exp(rng.gauss(0.0, 0.25)), 30.0, 200.0))
    head = (
        site_id,
        trial.nct_id,
        trial.phase,
        trial.therapeutic_area,
        trial.condition,
        date.fromordinal(selected),
        date.fromordinal(activated),
    )
    if rng.random() < latent.zero_chance:
        return TrialHistory(*head, None, None, _between(rng, 0, 3), 0, target, None, 0, trial.start)
    first_in = activated + _between(rng, 7, 60)
    last_in = max(first_in + 30, trial.enrollment_end.toordinal())
    drift = math.exp(latent.drift * (trial.start.year - DRIFT_ORIGIN_YEAR))
    rate = (
        AREA_RATES[trial.therapeutic_area]
        * PHASE_RATE[trial.phase]
        * area_skill
        * drift
        * math.exp(rng.gauss(0.0, 0.6))
    )
    enrolled = max(1, round(rate * (last_in - activated) / 30.4375))
    failure = _clamp(latent.screen_failure + rng.gauss(0.0, 0.05), 0.10, 0.60)
    return TrialHistory(
        *head,
        date.fromordinal(first_in),
        date.fromordinal(last_in),
        max(enrolled, round(enrolled / (1.0 - failure))),
        enrolled,
        target,
        round(latent.queries * math.exp(rng.gauss(0.0, 0.25)), 1),
        round(enrolled * latent.deviations * math.exp(rng.gauss(0.0, 0.3))),
        trial.start,
    )


def _choose_sites(rng: random.Random, pool: list[int], count: int, latents: list[_Latent]) -> list[int]:
    """Sponsors return to sites that enrolled well: draw twice as many as needed, keep the
    ones with the best (noisily perceived) skill. Experience thus goes with quality."""
    drawn = rng.sample(pool, min(len(pool), 2 * count))
    drawn.sort(key=lambda index: latents[index].skill * math.exp(rng.gauss(0.0, 0.5)), reverse=True)
    return drawn[:count]


def simulate(
    seed: int, n_sites: int, n_trials: int, *, sites_per_trial: tuple[int, int] = (10, 60)
) -> SyntheticWorld:
    """Sites, trials and every site's part in every trial, all from ``seed``."""
    if n_sites < 1 or n_trials < 0:
        raise ValueError("need at least one site and a non-negative number of trials")
    low, high = sites_per_trial
    if not 1 <= low <= high:
        raise ValueError(f"sites per trial must be a range 1 <= low <= high, got {sites_per_trial}")
    rng = random.Random(seed)
    sites, latents = _make_sites(rng, n_sites)
    pools: dict[tuple[str, str], list[int]] = {}
    for index, site in enumerate(sites):
        for area in site.therapeutic_areas:
            pools.setdefault((area, site.country), []).append(index)
    all_countries = sorted({site.country for site in sites})
    conditions = conditions_by_area()
    area_skill: dict[tuple[int, str], float] = {}
    trials, history = [], []
    for number in range(n_trials):
        trial = _plan_trial(rng, number, conditions)
        countries = rng.sample(all_countries, min(len(all_countries), rng.randint(2, 8)))
        pool: list[int] = []
        for code in countries:
            pool.extend(pools.get((trial.therapeutic_area, code), ()))
        if not pool:
            for (area, _), members in pools.items():
                if area == trial.therapeutic_area:
                    pool.extend(members)
        if not pool:
            continue
        trials.append(trial)
        chosen = _choose_sites(rng, pool, rng.randint(low, high), latents)
        months = (trial.enrollment_end - trial.start).days / 30.4375 - 3.0
        expected = AREA_RATES[trial.therapeutic_area] * PHASE_RATE[trial.phase] * months
        target = max(3, round(expected * rng.uniform(0.6, 1.4)))
        for index in sorted(chosen):
            key = (index, trial.therapeutic_area)
            if key not in area_skill:
                area_skill[key] = latents[index].skill * math.exp(rng.gauss(0.0, 0.15))
            history.append(
                _participation(rng, trial, sites[index].site_id, latents[index], area_skill[key], target)
            )
    return SyntheticWorld(sites=_with_conditions(sites, history), trials=trials, history=history)


def _with_conditions(sites: list[Site], history: list[TrialHistory]) -> list[Site]:
    """Add the conditions and areas each site has trials in, as a registry import would show."""
    seen: dict[int, tuple[set[str], set[str]]] = {}
    for row in history:
        areas, conditions = seen.setdefault(row.site_id, (set(), set()))
        areas.add(row.therapeutic_area)
        conditions.add(row.condition)
    result = []
    for site in sites:
        areas, conditions = seen.get(site.site_id, (set(), set()))
        result.append(
            Site(
                site.site_id,
                site.name,
                site.country,
                site.city,
                site.latitude,
                site.longitude,
                tuple(sorted(areas | set(site.therapeutic_areas))),
                tuple(sorted(conditions)),
                site.network,
                site.investigator,
            )
        )
    return result


def generate_dataset(
    seed: int,
    n_sites: int,
    n_trials: int,
    *,
    sites_per_trial: tuple[int, int] = (10, 60),
) -> tuple[list[Site], list[TrialHistory]]:
    """(sites, history) straight from the simulation, without the AACT text round trip."""
    world = simulate(seed, n_sites, n_trials, sites_per_trial=sites_per_trial)
    return world.sites, world.history
