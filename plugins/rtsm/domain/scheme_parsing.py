"""What a valid randomization scheme is: every check of ``schemes.parse_scheme``, run together.

``parse_scheme_problems`` never stops at the first problem: it collects (field path, sentence) for
each and returns the cleaned values alongside, so the user fixes everything in one go. A setting
that does not apply to the chosen type is refused rather than silently ignored (someone who typed
block sizes for a minimization scheme believes they matter). ``None`` counts as not given.
"""
from __future__ import annotations

import math
import re

SITE = "site"
TYPES = ("simple", "block", "stratified_block", "minimization")
BLOCK_TYPES = ("block", "stratified_block")
LIST_TYPES = ("simple", "block", "stratified_block")
IMBALANCES = ("range", "variance")
DEFAULT_P = 0.8
DEFAULT_LIST_LENGTH = 200
MAX_ARMS, MAX_CODE, MAX_RATIO = 20, 20, 20
MAX_BLOCK_SIZES, MAX_BLOCK_SIZE = 6, 100
MAX_FACTORS, MAX_LEVELS, MAX_NAME = 10, 50, 40
MAX_LIST_LENGTH, MAX_WEIGHT = 10_000, 1000.0

APPLIES = {
    "block_sizes": (BLOCK_TYPES, "block_sizes applies only to block schemes (block, stratified_block)."),
    "strata": (("stratified_block",), "strata applies only to stratified_block schemes."),
    "factors": (("stratified_block", "minimization"),
                "factors applies only to stratified_block and minimization schemes."),
    "weights": (("minimization",), "weights applies only to minimization schemes."),
    "p": (("minimization",), "p applies only to minimization schemes."),
    "imbalance": (("minimization",), "imbalance applies only to minimization schemes."),
    "list_length": (LIST_TYPES, "list_length applies only to list schemes (simple, block, stratified_block)."),
}
TYPE_CHOICES = "simple, block, stratified_block or minimization"

Problems = list[tuple[str | None, str]]


def as_int(value) -> int | None:
    """A whole number from JSON or a form ("4", 4, 4.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return None


def as_number(value) -> float | None:
    """A finite number from JSON or a form, else None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, (int, float, str)) else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _name_problem(what: str, text, forbidden: str = "|") -> str | None:
    """Why ``text`` cannot be a factor name, level or site code (they build stratum keys
    "name=level|name=level": no "|" anywhere and no "=" in a name)."""
    if not isinstance(text, str) or not text.strip():
        return f"{what} must be a non-empty text."
    if len(text.strip()) > MAX_NAME:
        return f"{what} {text.strip()!r} is longer than {MAX_NAME} characters."
    if any(character in text for character in forbidden):
        return f"{what} {text.strip()!r} may not contain {' or '.join(forbidden)}."
    return None


def _arms(arms, problems: Problems) -> list[dict] | None:
    """The cleaned arms, or None when any is unusable (then the ratio sum is unknown)."""
    if not isinstance(arms, list):
        problems.append(("arms", "Arms must be a list of {code, name, ratio}."))
        return None
    if len(arms) < 2:
        problems.append(("arms", f"A scheme needs at least 2 arms; {len(arms)} given."))
    if len(arms) > MAX_ARMS:
        problems.append(("arms", f"A scheme has at most {MAX_ARMS} arms; {len(arms)} given."))
    cleaned, seen, usable = [], set(), True
    for i, arm in enumerate(arms):
        if not isinstance(arm, dict):
            problems.append((f"arms[{i}]", f"Arm {i + 1} must have a code, a name and a ratio."))
            usable = False
            continue
        code = str(arm.get("code") or "").strip()
        name = str(arm.get("name") or "").strip()
        ratio = as_int(arm.get("ratio"))
        label = f"{code}" if code else f"{i + 1}"
        if not code:
            problems.append((f"arms[{i}].code", f"Arm {i + 1} needs a code."))
        elif len(code) > MAX_CODE:
            problems.append((f"arms[{i}].code", f"Arm code {code!r} is longer than {MAX_CODE} characters."))
        elif code in seen:
            problems.append((f"arms[{i}].code", f"Arm code {code!r} is used by two arms."))
        seen.add(code)
        if not name:
            problems.append((f"arms[{i}].name", f"Arm {label} needs a name."))
        if ratio is None or not 1 <= ratio <= MAX_RATIO:
            problems.append((f"arms[{i}].ratio", f"The ratio of arm {label} must be a whole number "
                             f"from 1 to {MAX_RATIO}; got {arm.get('ratio')!r}."))
            usable = False
        cleaned.append({"code": code, "name": name, "ratio": ratio})
    return cleaned if usable else None


def _block_sizes(raw, arms: list[dict] | None, problems: Problems) -> tuple[int, ...]:
    path = "scheme.block_sizes"
    ratio_sum = sum(arm["ratio"] for arm in arms) if arms else None
    if raw in (None, [], ()):
        example = f" (multiples of the ratio sum {ratio_sum})" if ratio_sum else ""
        problems.append((path, f"A block scheme needs block_sizes, for example [4, 6]{example}."))
        return ()
    if not isinstance(raw, (list, tuple)):
        problems.append((path, "block_sizes must be a list of whole numbers."))
        return ()
    if len(raw) > MAX_BLOCK_SIZES:
        problems.append((path, f"At most {MAX_BLOCK_SIZES} block sizes; {len(raw)} given."))
    sizes: list[int] = []
    for value in raw:
        size = as_int(value)
        if size is None or size <= 0:
            problems.append((path, f"Block size {value!r} is not a positive whole number."))
        elif size > MAX_BLOCK_SIZE:
            problems.append((path, f"Block size {size} is larger than {MAX_BLOCK_SIZE}."))
        elif ratio_sum and size % ratio_sum:
            ratio = ":".join(str(arm["ratio"]) for arm in arms)
            problems.append((path, f"Block size {size} is not a multiple of the ratio sum {ratio_sum} ({ratio})."))
        elif size in sizes:
            problems.append((path, f"Block size {size} is listed twice."))
        else:
            sizes.append(size)
    return tuple(sizes)


def _factors(raw, kind: str, sites: list[str], problems: Problems) -> dict[str, tuple[str, ...]]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(("scheme.factors", "factors must map each factor name to its list of levels."))
        return {}
    if len(raw) > MAX_FACTORS:
        problems.append(("scheme.factors", f"At most {MAX_FACTORS} factors; {len(raw)} given."))
    factors: dict[str, tuple[str, ...]] = {}
    for name, levels in raw.items():
        path = f"scheme.factors.{name}"
        problem = _name_problem("A factor name", name, forbidden="|=")
        if problem:
            problems.append((path, problem))
            continue
        name = name.strip()
        if name == SITE and kind == "stratified_block":
            problems.append((path, "site is not a factor of stratified schemes: list \"site\" in scheme.strata."))
            continue
        if name == SITE and levels in (None, [], ()):
            if not sites:
                problems.append((path, "The factor site means the study's sites, and the study has none yet."))
            factors[SITE] = ()  # the study's sites, read when randomizing
            continue
        if not isinstance(levels, (list, tuple)):
            problems.append((path, f"The levels of factor {name} must be a list."))
            continue
        cleaned: list[str] = []
        for level in levels:
            problem = _name_problem(f"A level of factor {name}", level)
            if problem:
                problems.append((path, problem))
            elif level.strip() in cleaned:
                problems.append((path, f"Factor {name} lists the level {level.strip()!r} twice."))
            else:
                cleaned.append(level.strip())
        if len(cleaned) < 2:
            problems.append((path, f"Factor {name} needs at least 2 distinct levels; {len(cleaned)} given."))
        elif len(cleaned) > MAX_LEVELS:
            problems.append((path, f"Factor {name} has more than {MAX_LEVELS} levels."))
        factors[name] = tuple(cleaned)
    if kind == "minimization" and not raw:
        problems.append(("scheme.factors", 'A minimization scheme needs at least one factor, for example '
                         '{"sex": ["F", "M"]} or {"site": []} for the study\'s sites.'))
    return factors


def _strata(raw, factors: dict, sites: list[str], problems: Problems) -> tuple[str, ...]:
    path = "scheme.strata"
    if raw in (None, [], ()):
        problems.append((path, 'A stratified scheme needs strata: "site" and/or factor names.'))
        return ()
    if not isinstance(raw, (list, tuple)):
        problems.append((path, 'strata must be a list of "site" and/or factor names.'))
        return ()
    strata: list[str] = []
    for entry in raw:
        if entry in strata:
            problems.append((path, f"Stratum {entry!r} is listed twice."))
        elif entry == SITE:
            if not sites:
                problems.append((path, "Stratifying by site needs at least one site in the study."))
            strata.append(entry)
        elif isinstance(entry, str) and entry in factors:
            strata.append(entry)
        else:
            declared = ", ".join(factors) or "none"
            problems.append((path, f'Stratum {entry!r} is neither "site" nor a declared factor '
                             f"(declared: {declared})."))
    for name in factors:
        if name not in raw:
            problems.append((f"scheme.factors.{name}", f"Factor {name} is declared but not used in scheme.strata."))
    return tuple(strata)


def _minimization(scheme: dict, factors: dict, problems: Problems) -> dict:
    weights = {name: 1.0 for name in factors}
    raw = scheme.get("weights")
    if raw is not None and not isinstance(raw, dict):
        problems.append(("scheme.weights", "weights must map factor names to numbers."))
    for name, value in (raw or {}).items() if isinstance(raw, dict) else ():
        weight = as_number(value)
        if name not in factors:
            problems.append(("scheme.weights", f"A weight is given for {name!r}, which is not a declared factor."))
        elif weight is None or not 0 < weight <= MAX_WEIGHT:
            problems.append((f"scheme.weights.{name}", f"The weight of {name} must be a number greater than 0 "
                             f"and at most {MAX_WEIGHT:g}; got {value!r}."))
        else:
            weights[name] = weight
    p = DEFAULT_P if scheme.get("p") is None else as_number(scheme.get("p"))
    if p is None or not 0.5 <= p <= 1:
        problems.append(("scheme.p", f"p must be a number from 0.5 to 1; got {scheme.get('p')!r}."))
    imbalance = scheme.get("imbalance") or "range"
    if imbalance not in IMBALANCES:
        problems.append(("scheme.imbalance", f'imbalance must be "range" or "variance"; got {imbalance!r}.'))
    return {"weights": weights, "p": p, "imbalance": imbalance}


def parse_scheme_problems(arms, sites, scheme) -> tuple[Problems, dict]:
    """Every problem of (arms, sites, scheme), and the cleaned values for ``SchemeConfig``."""
    problems: Problems = []
    cleaned_arms = _arms(arms, problems)
    sites = list(sites or [])
    for index, site in enumerate(sites):
        problem = _name_problem("A site code", site)
        if problem:
            problems.append(("sites", problem))
        elif site in sites[:index]:
            problems.append(("sites", f"Site code {site!r} is listed twice."))
    if not isinstance(scheme, dict):
        problems.append(("scheme", "The scheme must be an object of settings with a type."))
        return problems, {}
    kind = scheme.get("type")
    values: dict = {"type": kind, "arms": cleaned_arms or []}
    for key in scheme:
        if key != "type" and key not in APPLIES:
            problems.append((f"scheme.{key}", f"Unknown scheme setting {key!r}."))
    if kind in (None, ""):
        problems.append(("scheme.type", f"Choose a scheme type: {TYPE_CHOICES}."))
        return problems, values
    if kind not in TYPES:
        problems.append(("scheme.type", f"Unknown scheme type {kind!r}; choose {TYPE_CHOICES}."))
        return problems, values
    for key, (types, message) in APPLIES.items():
        if scheme.get(key) is not None and kind not in types:
            problems.append((f"scheme.{key}", message))
    if kind in LIST_TYPES and scheme.get("list_length") is not None:
        length = as_int(scheme["list_length"])
        if length is None or not 1 <= length <= MAX_LIST_LENGTH:
            problems.append(("scheme.list_length", f"list_length must be a whole number from 1 to "
                             f"{MAX_LIST_LENGTH}; got {scheme['list_length']!r}."))
        values["list_length"] = length
    if kind in BLOCK_TYPES:
        values["block_sizes"] = _block_sizes(scheme.get("block_sizes"), cleaned_arms, problems)
    if kind in ("stratified_block", "minimization"):
        values["factors"] = _factors(scheme.get("factors"), kind, sites, problems)
    if kind == "stratified_block":
        values["strata"] = _strata(scheme.get("strata"), values["factors"], sites, problems)
    if kind == "minimization":
        values.update(_minimization(scheme, values["factors"], problems))
    return problems, values
