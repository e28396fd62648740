"""Trial history: entering a site's part in a trial by hand, and reading it back.

Reading for the ranking goes through :mod:`.loading`, which selects only the needed columns.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sdk import tool
from sdk.numbers import INT32_MAX, NumberError, finite_number, whole_number

from ..domain import area_for_condition, normalize_area, normalize_phase
from ..models import Site, TrialHistory
from .errors import SiteSelectError

DATE_FIELDS = (("selected_on", "selection date"), ("activated_on", "activation date"),
               ("first_subject_in", "first subject in"), ("last_subject_in", "last subject in"))
COUNT_FIELDS = (("screened", "screened"), ("enrolled", "enrolled"), ("target", "target"),
                ("deviations", "protocol deviations"))
#: Every data point queried a hundred times over is beyond any site's record.
QUERIES_PER_100_MAX = 10_000.0

Problems = list[tuple[str, str]]


def _date(data, key: str, label: str, problems: Problems) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append((key, f"{label} must be a date (YYYY-MM-DD)"))
        return None


def _count(data, key: str, label: str, problems: Problems) -> int | None:
    """A count stored in an ``Integer`` column: 0 up to what the column holds."""
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return whole_number(value, label, minimum=0, maximum=INT32_MAX)
    except NumberError as exc:
        problems.append((key, str(exc)))
        return None


def _text_fields(data, problems: Problems) -> dict:
    trial_ref = str(data.get("trial_ref") or "").strip()
    if not trial_ref:
        problems.append(("trial_ref", "trial reference is required"))
    elif len(trial_ref) > 64:
        problems.append(("trial_ref", "trial reference is longer than 64 characters"))
    phase = str(data.get("phase") or "").strip()
    try:
        phase = normalize_phase(phase) if phase else ""
    except ValueError as exc:
        problems.append(("phase", str(exc)))
    condition = str(data.get("condition") or "").strip()[:200]
    area = str(data.get("therapeutic_area") or "").strip()
    area = normalize_area(area) if area else (area_for_condition(condition) or "") if condition else ""
    if not area:
        problems.append(("therapeutic_area", "therapeutic area is required (or a condition it can be derived from)"))
    return {"trial_ref": trial_ref, "trial_title": str(data.get("trial_title") or "").strip()[:300],
            "phase": phase, "condition": condition, "therapeutic_area": area[:100]}


def clean_history_input(data) -> dict:
    """Validate one history entry; raises SiteSelectError listing every problem with its field."""
    problems: Problems = []
    values = _text_fields(data, problems)
    values.update({key: _date(data, key, label, problems) for key, label in DATE_FIELDS})
    values.update({key: _count(data, key, label, problems) for key, label in COUNT_FIELDS})
    queries = data.get("queries_per_100")
    values["queries_per_100"] = None
    if queries not in (None, ""):
        try:
            values["queries_per_100"] = finite_number(queries, "queries per 100 data points",
                                                      minimum=0, maximum=QUERIES_PER_100_MAX)
        except NumberError as exc:
            problems.append(("queries_per_100", str(exc)))
    _check_consistency(values, problems)
    if problems:
        raise SiteSelectError.of(problems)
    return values


def _check_consistency(values: dict, problems: Problems) -> None:
    if values["screened"] is not None and values["enrolled"] is not None \
            and values["enrolled"] > values["screened"]:
        problems.append(("enrolled", "enrolled cannot exceed screened"))
    dated = [(key, label, values[key]) for key, label in DATE_FIELDS if values[key] is not None]
    for (_, label_a, a), (key_b, label_b, b) in zip(dated, dated[1:]):
        if b < a:
            problems.append((key_b, f"{label_b} cannot be before {label_a}"))


def add_manual_history(site: Site, data) -> TrialHistory:
    """Record a site's part in a trial; refuses a second entry for the same trial."""
    values = clean_history_input(data)
    session = tool().db_session()
    exists = session.scalar(select(TrialHistory.id).where(TrialHistory.site_id == site.id,
                                                          TrialHistory.trial_ref == values["trial_ref"]))
    if exists is not None:
        raise SiteSelectError.of([("trial_ref", f"{site.name} already has history for trial {values['trial_ref']}")])
    row = TrialHistory(site_id=site.id, source="manual", **values)
    session.add(row)
    session.flush()
    return row


def site_history(site_id: int) -> list[TrialHistory]:
    """A site's trials, most recent first."""
    rows = tool().db_session().scalars(select(TrialHistory).where(TrialHistory.site_id == site_id))
    return sorted(rows, key=lambda r: (r.activated_on or r.selected_on or r.started_on or date.min,
                                       r.trial_ref), reverse=True)
