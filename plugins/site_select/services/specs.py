"""Turning a trial-spec form or JSON body into the domain's TrialSpec and Weights, and back.

Every problem in the input is collected and reported at once, each with the field it belongs to
(the form's and the API's field names: ``target_enrollment``, ``weight_startup`` or ``weights``),
so the page shows it beside its field and the API lists it under ``fields``; nothing is ranked
or saved with a spec that does not validate.
"""
from __future__ import annotations

from datetime import date

from sdk.numbers import NumberError, finite_number, row_id, whole_number

from ..domain import WEIGHT_NAMES, TrialSpec, Weights, is_country_code, normalize_phase
from .errors import SiteSelectError

#: (min, max) of each number of a spec: enrollment and shortlist beyond any trial; a radius of
#: half the Earth's circumference reaches everywhere. Weights count only in proportion; their
#: bound keeps their sum finite (``Weights`` itself refuses negatives, naming the weight).
TARGET = (1, 1_000_000)
SHORTLIST_SIZE = (1, 1000)
LATITUDE, LONGITUDE = (-90.0, 90.0), (-180.0, 180.0)
RADIUS_KM = (0.0, 20_050.0)
WEIGHT_MAX = 1_000_000.0

Problems = list[tuple[str | None, str]]


def _get(data, key):
    value = data.get(key)
    return value.strip() if isinstance(value, str) else value


def _number(data, key: str, label: str, problems: Problems, *, bounds: tuple, whole: bool = False):
    """The field as a number within ``bounds`` (min, max), else None with the problem noted."""
    value = _get(data, key)
    if value in (None, ""):
        return None
    low, high = bounds
    try:
        if whole:
            return whole_number(value, label, minimum=low, maximum=high)
        return finite_number(value, label, minimum=low, maximum=high)
    except NumberError as exc:
        problems.append((key, str(exc)))
        return None


def _date(data, key: str, label: str, problems: Problems) -> date | None:
    value = _get(data, key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append((key, f"{label} must be a date (YYYY-MM-DD)"))
        return None


def _list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").replace(";", ",").split(",") if part.strip()]


def _ids(value, problems: Problems) -> frozenset[int]:
    ids = {item: row_id(item) for item in _list(value)}
    bad = [item[:20] for item, number in ids.items() if number is None]
    if bad:
        problems.append(("exclude_site_ids", f"excluded sites must be site ids, not {', '.join(bad[:3])}"))
    return frozenset(number for number in ids.values() if number is not None)


def _words(data, problems: Problems) -> tuple[str, str | None, tuple[str, ...]]:
    """The therapeutic area, phase and countries, each checked as the domain's TrialSpec does."""
    area = str(_get(data, "therapeutic_area") or "")
    if not area:
        problems.append(("therapeutic_area", "therapeutic area is required"))
    phase = str(_get(data, "phase") or "") or None
    if phase:
        try:
            normalize_phase(phase)
        except ValueError as exc:
            problems.append(("phase", str(exc)))
    countries = tuple(dict.fromkeys(c.upper() for c in _list(data.get("countries"))))
    unknown = [code[:20] for code in countries if not is_country_code(code)]
    if unknown:
        problems.append(("countries", f"unknown country code(s): {', '.join(unknown[:5])} "
                                      "(use ISO 3166-1 alpha-2, e.g. 'DE')"))
    return area, phase, countries


def spec_problems(data, *, default_size: int = 20) -> tuple[TrialSpec | None, Problems]:
    """The TrialSpec of form fields or JSON, or None and every problem as (field, message)."""
    problems: Problems = []
    area, phase, countries = _words(data, problems)
    if _get(data, "target_enrollment") in (None, ""):
        problems.append(("target_enrollment", "target enrollment is required"))
    target = _number(data, "target_enrollment", "target enrollment", problems, bounds=TARGET, whole=True)
    start = _date(data, "start_date", "start date", problems)
    target_lsi = _date(data, "target_lsi", "target last-subject-in date", problems)
    if target_lsi is not None and target_lsi <= (start or date.today()):
        problems.append(("target_lsi", "target last-subject-in date must be after the start date"))
    lat = _number(data, "center_lat", "center latitude", problems, bounds=LATITUDE)
    lon = _number(data, "center_lon", "center longitude", problems, bounds=LONGITUDE)
    radius = _number(data, "radius_km", "radius", problems, bounds=RADIUS_KM)
    size = _number(data, "shortlist_size", "shortlist size", problems, bounds=SHORTLIST_SIZE, whole=True)
    excluded = _ids(data.get("exclude_site_ids"), problems)
    given = {key for key in ("center_lat", "center_lon") if _get(data, key) not in (None, "")}
    if len(given) == 1:
        missing = ({"center_lat", "center_lon"} - given).pop()
        problems.append((missing, "give both center latitude and longitude, or neither"))
    if radius is not None and not given:
        problems.append(("radius_km", "a radius needs a center point (latitude, longitude)"))
    elif radius == 0:
        problems.append(("radius_km", "radius must be a positive number of km"))
    if problems:
        return None, problems
    try:
        return TrialSpec(
            therapeutic_area=area, condition=str(_get(data, "condition") or "") or None, phase=phase,
            countries=countries, target_enrollment=target, start_date=start or date.today(),
            target_lsi=target_lsi, center=(lat, lon) if lat is not None else None, radius_km=radius,
            exclude_site_ids=excluded, shortlist_size=size or default_size), []
    except (TypeError, ValueError) as exc:
        return None, [(None, str(exc))]


def parse_spec(data, *, default_size: int = 20) -> TrialSpec:
    """A TrialSpec from form fields or JSON (``countries`` and exclusions as lists or comma text)."""
    spec, problems = spec_problems(data, default_size=default_size)
    if problems:
        raise SiteSelectError.of(problems)
    return spec


def weight_problems(data) -> tuple[Weights | None, Problems]:
    """Weights from ``weight_<name>`` form fields (each problem under its field) or a ``weights``
    JSON object (problems under ``weights``); names left out keep their defaults."""
    from_json = isinstance(data.get("weights"), dict)
    raw = data["weights"] if from_json else {name: data.get(f"weight_{name}") for name in WEIGHT_NAMES}
    values, problems = {}, []
    for name, value in raw.items():
        field = "weights" if from_json else f"weight_{name}"
        if value in (None, ""):
            continue
        label = f"weight {str(name)[:40]!r}"
        try:
            values[name] = finite_number(value, label, minimum=-WEIGHT_MAX, maximum=WEIGHT_MAX)
        except NumberError as exc:
            problems.append((field, str(exc)))
            continue
        if values[name] < 0:
            problems.append((field, f"{label} must not be negative"))
    unknown = sorted(str(name)[:40] for name in set(raw) - set(WEIGHT_NAMES))
    if unknown:
        problems.append(("weights", f"unknown weight(s): {', '.join(unknown[:5])} "
                                    f"(known: {', '.join(WEIGHT_NAMES)})"))
    if problems:
        return None, problems
    try:
        return Weights.from_dict(values), []
    except ValueError as exc:
        return None, [("weights" if from_json else None, str(exc))]


def parse_weights(data) -> Weights:
    weights, problems = weight_problems(data)
    if problems:
        raise SiteSelectError.of(problems)
    return weights


def parse_ranking(data, *, default_size: int = 20) -> tuple[TrialSpec, Weights]:
    """The spec and the weights of a ranking, with the problems of both reported at once."""
    spec, problems = spec_problems(data, default_size=default_size)
    weights, weight_errors = weight_problems(data)
    if problems or weight_errors:
        raise SiteSelectError.of(problems + weight_errors)
    return spec, weights


def spec_to_dict(spec: TrialSpec, weights: Weights | None = None, **extra) -> dict:
    """The spec as JSON data (stored with a shortlist, echoed by the API, refilled into the form)."""
    data = {
        "therapeutic_area": spec.therapeutic_area, "condition": spec.condition or "",
        "phase": spec.phase or "", "countries": list(spec.countries),
        "target_enrollment": spec.target_enrollment, "start_date": spec.start_date.isoformat(),
        "target_lsi": spec.target_lsi.isoformat() if spec.target_lsi else "",
        "center_lat": spec.center[0] if spec.center else "",
        "center_lon": spec.center[1] if spec.center else "",
        "radius_km": spec.radius_km if spec.radius_km is not None else "",
        "exclude_site_ids": sorted(spec.exclude_site_ids), "shortlist_size": spec.shortlist_size,
    }
    if weights is not None:
        data["weights"] = weights.as_dict()
    data.update(extra)
    return data
