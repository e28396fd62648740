"""Randomization schemes: the arms with their ratio, the scheme type and its parameters.

``parse_scheme`` turns what a user gave (arms, the study's sites, a scheme dict) into a
``SchemeConfig`` or raises ``SchemeProblems`` naming every problem at once. The types:

- ``simple``: each subject drawn independently with probability ratio / ratio sum;
- ``block``: permuted blocks whose size is drawn at random from ``block_sizes`` (random sizes keep
  the next assignment hard to guess);
- ``stratified_block``: the same, one list per stratum (``strata``: "site" and/or factor names);
- ``minimization``: Pocock-Simon over ``factors`` with weights, a biased coin ``p`` and the
  ``range`` or ``variance`` imbalance. The factor "site" declared with no levels means the
  study's sites, whatever they are when a subject is randomized.

Stratum keys look like ``site=S01|age=>=65``, so factor names may not hold ``|`` or ``=``, and
levels and site codes may not hold ``|`` (a key splits on "|", then on the first "="). Problem
paths are 0-based (``arms[1]`` is the second arm); messages count from 1.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

from .scheme_parsing import (  # noqa: F401 (the constants are part of this module's interface)
    BLOCK_TYPES,
    DEFAULT_LIST_LENGTH,
    DEFAULT_P,
    LIST_TYPES,
    SITE,
    TYPES,
    parse_scheme_problems,
)


@dataclass(frozen=True)
class ArmSpec:
    code: str
    name: str
    ratio: int


@dataclass(frozen=True)
class SchemeConfig:
    type: str
    arms: tuple[ArmSpec, ...]
    block_sizes: tuple[int, ...] = ()
    strata: tuple[str, ...] = ()
    factors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    p: float = DEFAULT_P
    imbalance: str = "range"
    list_length: int = DEFAULT_LIST_LENGTH

    @property
    def ratio_sum(self) -> int:
        return sum(arm.ratio for arm in self.arms)

    @property
    def arm_codes(self) -> tuple[str, ...]:
        return tuple(arm.code for arm in self.arms)

    @property
    def ratio_label(self) -> str:
        """The ratio as people write it, e.g. "2:1"."""
        return ":".join(str(arm.ratio) for arm in self.arms)

    def ratio_of(self, code: str) -> int:
        return next(arm.ratio for arm in self.arms if arm.code == code)

    def weight(self, factor: str) -> float:
        return self.weights.get(factor, 1.0)

    def levels(self, factor: str, sites: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """A factor's levels; the factor "site" declared without levels has the study's sites."""
        if factor == SITE and not self.factors.get(SITE):
            return tuple(sites)
        return self.factors[factor]

    @property
    def uses_site(self) -> bool:
        """True when randomizing needs the subject's site (a stratum or a minimization factor)."""
        return SITE in self.strata or (self.type == "minimization" and SITE in self.factors)

    def __hash__(self) -> int:  # the dict fields would make the generated hash fail
        return hash(json.dumps(self.to_json(), sort_keys=True))

    def to_json(self) -> dict:
        """Every field, so that ``from_json(config.to_json()) == config`` for any config."""
        return {
            "type": self.type,
            "arms": [{"code": a.code, "name": a.name, "ratio": a.ratio} for a in self.arms],
            "block_sizes": list(self.block_sizes),
            "strata": list(self.strata),
            "factors": {name: list(levels) for name, levels in self.factors.items()},
            "weights": dict(self.weights),
            "p": self.p,
            "imbalance": self.imbalance,
            "list_length": self.list_length,
        }

    @classmethod
    def from_json(cls, data: dict) -> SchemeConfig:
        return cls(
            type=data["type"],
            arms=tuple(ArmSpec(a["code"], a["name"], int(a["ratio"])) for a in data["arms"]),
            block_sizes=tuple(int(size) for size in data.get("block_sizes", ())),
            strata=tuple(data.get("strata", ())),
            factors={name: tuple(levels) for name, levels in data.get("factors", {}).items()},
            weights={name: float(w) for name, w in data.get("weights", {}).items()},
            p=float(data.get("p", DEFAULT_P)),
            imbalance=data.get("imbalance", "range"),
            list_length=int(data.get("list_length", DEFAULT_LIST_LENGTH)),
        )


class SchemeProblems(ValueError):
    """A scheme that cannot be used; ``problems`` lists (field path or None, sentence)."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        self.problems = list(problems)
        super().__init__(" ".join(message for _, message in self.problems))


def parse_scheme(arms: list[dict], sites: list[str], scheme: dict) -> SchemeConfig:
    """Validate a scheme as a whole and return its config, or raise ``SchemeProblems``."""
    problems, values = parse_scheme_problems(arms, sites, scheme)
    if problems:
        raise SchemeProblems(problems)
    values["arms"] = tuple(ArmSpec(**arm) for arm in values["arms"])
    return SchemeConfig(**values)


def stratum_key(config: SchemeConfig, site: str, factors: dict[str, str]) -> str:
    """The subject's stratum, e.g. "site=S01|sex=F" in the order of ``config.strata``.

    Schemes that are not stratified have one list, whose key is "".
    """
    if config.type != "stratified_block":
        return ""
    parts = []
    for name in config.strata:
        value = site if name == SITE else factors.get(name)
        if value in (None, ""):
            raise ValueError(f"The subject has no value for the stratum {name}.")
        parts.append(f"{name}={value}")
    return "|".join(parts)


def strata_of(config: SchemeConfig, sites: list[str]) -> list[str]:
    """Every stratum key of the scheme (the cartesian product of its strata's values)."""
    if config.type != "stratified_block":
        return [""]
    axes = [[f"{name}={value}" for value in config.levels(name, sites)] for name in config.strata]
    return ["|".join(combination) for combination in itertools.product(*axes)]


def _subject_factors(config: SchemeConfig) -> tuple[str, ...]:
    """The factors a subject must answer (site aside: it comes from the subject's site)."""
    return tuple(name for name in config.factors if name != SITE)


def missing_factors(config: SchemeConfig, factors: dict[str, str]) -> list[str]:
    """The scheme's factors for which the subject has no value ("site" aside)."""
    return [name for name in _subject_factors(config) if factors.get(name) in (None, "")]


def factor_problems(config: SchemeConfig, site: str, factors: dict[str, str]) -> list[tuple[str, str]]:
    """What stops this subject being randomized: (field, sentence) for the site and each factor."""
    problems: list[tuple[str, str]] = []
    if config.uses_site:
        site_levels = config.factors.get(SITE)
        if not site:
            problems.append(("site", "The subject's site is required to randomize under this scheme."))
        elif site_levels and site not in site_levels:
            problems.append(("site", f"Site {site!r} is not a level of the factor site ({', '.join(site_levels)})."))
    for name, value in factors.items():
        if name == SITE:
            if value != site:
                problems.append(("factors.site", "The factor site must be the subject's own site."))
        elif name not in config.factors:
            problems.append((f"factors.{name}", f"{name} is not a factor of this scheme."))
    for name in _subject_factors(config):
        levels = config.factors[name]
        value = factors.get(name)
        if value in (None, ""):
            problems.append((f"factors.{name}", f"{name} is required (one of {', '.join(levels)})."))
        elif value not in levels:
            problems.append((f"factors.{name}", f"{value!r} is not a level of {name} (one of {', '.join(levels)})."))
    return problems


def subject_levels(config: SchemeConfig, site: str, factors: dict[str, str]) -> dict[str, str]:
    """The subject's level of every scheme factor, site included: what minimization counts."""
    return {name: site if name == SITE else factors[name] for name in config.factors}


ENROLLMENT_NEEDS_SITE_ONLY = ("Randomizing on EDC enrollment works only for schemes that need no factor "
                              "other than the site (EDC's enrollment carries no stratification factors).")


def enrollment_problem(config: SchemeConfig) -> str | None:
    """Why a scheme cannot randomize from an ``edc.subject_enrolled`` event (None: it can)."""
    return ENROLLMENT_NEEDS_SITE_ONLY if any(name != SITE for name in config.factors) else None
