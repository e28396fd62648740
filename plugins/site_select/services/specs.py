"""Turning a trial-spec form or JSON body into the domain's TrialSpec and Weights, and back.

Every problem in the input is collected and reported at once; nothing is ranked or saved
with a spec that does not validate.
"""
from __future__ import annotations

from datetime import date

from sdk.numbers import NumberError, finite_number, row_id, whole_number

from ..domain import WEIGHT_NAMES, TrialSpec, Weights
from .errors import SiteSelectError

#: (min, max) of each number of a spec: enrollment and shortlist beyond any trial; a radius of
#: half the Earth's circumference reaches everywhere. Weights count only in proportion; their
#: bound keeps their sum finite (``Weights`` itself refuses negatives, naming the weight).
TARGET = (1, 1_000_000)
SHORTLIST_SIZE = (1, 1000)
LATITUDE, LONGITUDE = (-90.0, 90.0), (-180.0, 180.0)
RADIUS_KM = (0.0, 20_050.0)
WEIGHT_MAX = 1_000_000.0


def _get(data, key):
    value = data.get(key)
    return value.strip() if isinstance(value, str) else value


def _number(data, key: str, label: str, problems: list[str], *, bounds: tuple, whole: bool = False):
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
        problems.append(str(exc))
        return None


def _date(data, key: str, label: str, problems: list[str]) -> date | None:
    value = _get(data, key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{label} must be a date (YYYY-MM-DD)")
        return None


def _list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").replace(";", ",").split(",") if part.strip()]


def _ids(value, problems: list[str]) -> frozenset[int]:
    ids = {item: row_id(item) for item in _list(value)}
    bad = [item[:20] for item, number in ids.items() if number is None]
    if bad:
        problems.append(f"excluded sites must be site ids, not {', '.join(bad[:3])}")
    return frozenset(number for number in ids.values() if number is not None)


def parse_spec(data, *, default_size: int = 20) -> TrialSpec:
    """A TrialSpec from form fields or JSON (``countries`` and exclusions as lists or comma text)."""
    problems: list[str] = []
    target = _number(data, "target_enrollment", "target enrollment", problems, bounds=TARGET, whole=True)
    start = _date(data, "start_date", "start date", problems)
    target_lsi = _date(data, "target_lsi", "target last-subject-in date", problems)
    lat = _number(data, "center_lat", "center latitude", problems, bounds=LATITUDE)
    lon = _number(data, "center_lon", "center longitude", problems, bounds=LONGITUDE)
    radius = _number(data, "radius_km", "radius", problems, bounds=RADIUS_KM)
    size = _number(data, "shortlist_size", "shortlist size", problems, bounds=SHORTLIST_SIZE, whole=True)
    excluded = _ids(data.get("exclude_site_ids"), problems)
    if _get(data, "target_enrollment") in (None, ""):
        problems.append("target enrollment is required")
    if (lat is None) != (lon is None):
        problems.append("give both center latitude and longitude, or neither")
    if problems:
        raise SiteSelectError.of(problems)
    try:
        return TrialSpec(
            therapeutic_area=str(_get(data, "therapeutic_area") or ""),
            condition=str(_get(data, "condition") or "") or None,
            phase=str(_get(data, "phase") or "") or None,
            countries=tuple(c.upper() for c in _list(data.get("countries"))),
            target_enrollment=target, start_date=start or date.today(), target_lsi=target_lsi,
            center=(lat, lon) if lat is not None else None, radius_km=radius,
            exclude_site_ids=excluded, shortlist_size=size or default_size)
    except (TypeError, ValueError) as exc:
        raise SiteSelectError(str(exc)) from exc


def parse_weights(data) -> Weights:
    """Weights from ``weight_<name>`` form fields or a ``weights`` JSON object; defaults elsewhere."""
    raw = data.get("weights") if isinstance(data.get("weights"), dict) else {
        name: data.get(f"weight_{name}") for name in WEIGHT_NAMES}
    values, problems = {}, []
    for name, value in raw.items():
        if value in (None, ""):
            continue
        try:
            values[name] = finite_number(value, f"weight {str(name)[:40]!r}", minimum=-WEIGHT_MAX, maximum=WEIGHT_MAX)
        except NumberError as exc:
            problems.append(str(exc))
    if problems:
        raise SiteSelectError.of(problems)
    try:
        return Weights.from_dict(values)
    except ValueError as exc:
        raise SiteSelectError(str(exc)) from exc


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
