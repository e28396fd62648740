"""The kit list: kits uploaded as CSV or sent as JSON, checked row by row, all or nothing.

A kit arrives ``available`` at its depot (the row's depot, else the study's first) with a +1
``received`` entry in the ledger. Each kit's arm is seen by the unblinded only: use
:func:`kit_json` / :func:`kit_row` to show a kit, never the model's ``arm_code`` directly.
"""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy import select

from sdk import tool

from ..models import KIT_STATES, Depot, Kit, Study
from . import ledger
from .access import unblinded
from .errors import RtsmInputError

COLUMNS = ("kit", "arm", "lot", "expiry", "depot")
HEADER_NAMES = {"kit": "kit", "kit number": "kit", "kit_number": "kit", "number": "kit", "arm": "arm",
                "arm code": "arm", "arm_code": "arm", "lot": "lot", "expiry": "expiry", "expiry date": "expiry",
                "depot": "depot", "depot code": "depot"}
MAX_KITS = 20000


def depots(study: Study) -> list[Depot]:
    return list(tool().db_session().scalars(select(Depot).where(Depot.study_id == study.id).order_by(Depot.code)))


def parse_csv(text: str) -> tuple[list[dict], int]:
    """The rows of a kit list CSV as dicts with keys kit, arm, lot, expiry, depot, and the file's
    row number of the first. A header row is recognized by its names; without one the columns
    are taken in that order."""
    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(cell.strip() for cell in row)]
    if not rows:
        raise RtsmInputError([("file", "The file has no kits: send one row per kit (kit number, arm, lot, "
                                       "expiry YYYY-MM-DD, optional depot code).")])
    header = [HEADER_NAMES.get(cell.strip().lower()) for cell in rows[0]]
    if "kit" in header:
        body, columns, first_row = rows[1:], header, 2
    else:
        body, columns, first_row = rows, list(COLUMNS), 1
    return [{column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(columns) if column}
            for row in body], first_row


def _parse_expiry(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def add_kits(study: Study, rows: list[dict], *, first_row: int = 1) -> list[Kit]:
    """Add the kits of ``rows`` (dicts with kit, arm, lot, expiry, depot); every bad row is named
    ("row 3: ...", counted from ``first_row``) and nothing is written when any row is wrong."""
    session = tool().db_session()
    arms = {arm.code for arm in study.arms}
    by_code = {depot.code: depot for depot in depots(study)}
    default = next(iter(by_code.values()), None)
    existing = set(session.scalars(select(Kit.number).where(Kit.study_id == study.id)))
    problems = RtsmInputError()
    if not rows:
        problems.add("kits", "Send at least one kit.")
    if len(rows) > MAX_KITS:
        problems.add("kits", f"Send at most {MAX_KITS} kits at once.")
    seen: dict[str, int] = {}
    parsed = []
    for index, row in enumerate(rows[:MAX_KITS]):
        where = f"row {index + first_row}"
        number, arm = str(row.get("kit") or "").strip(), str(row.get("arm") or "").strip()
        lot, depot_code = str(row.get("lot") or "").strip(), str(row.get("depot") or "").strip()
        expiry = _parse_expiry(row.get("expiry") or "")
        if not number or len(number) > 40:
            problems.add("kits", f"{where}: the kit number is required (at most 40 characters).")
        elif number in existing:
            problems.add("kits", f"{where}: kit {number} is in the kit list already.")
        elif number in seen:
            problems.add("kits", f"{where}: kit {number} is also on row {seen[number]}.")
        seen.setdefault(number, index + first_row)
        if arm not in arms:
            problems.add("kits", f"{where}: the arm must be one of the study's arm codes ({', '.join(sorted(arms))}).")
        if not lot or len(lot) > 60:
            problems.add("kits", f"{where}: the lot is required (at most 60 characters).")
        if expiry is None:
            problems.add("kits", f"{where}: the expiry must be a date written YYYY-MM-DD.")
        depot = by_code.get(depot_code) if depot_code else default
        if depot is None:
            problems.add("kits", f"{where}: there is no depot '{depot_code}' in this study." if depot_code
                         else f"{where}: the study has no depot yet; add one first.")
        parsed.append((number, arm, lot, expiry, depot))
    problems.raise_if_any()
    kits = []
    for number, arm, lot, expiry, depot in parsed:
        kit = Kit(study_id=study.id, number=number, arm_code=arm, lot=lot, expiry=expiry, status="available",
                  depot_id=depot.id)
        session.add(kit)
        kits.append((kit, depot))
    session.flush()
    for kit, depot in kits:
        ledger.record(kit, depot, +1, "received", "kit list")
    tool().audit.record(entity_type="study", entity_id=str(study.id), action="kits_added",
                        changes={"kits": [None, len(kits)]})
    return [kit for kit, _ in kits]


def add_kits_from_csv(study: Study, data: bytes) -> list[Kit]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RtsmInputError([("file", "The file must be UTF-8 text (a CSV file).")]) from None
    rows, first_row = parse_csv(text)
    return add_kits(study, rows, first_row=first_row)


def has_kits(study: Study) -> bool:
    return tool().db_session().scalar(select(Kit.id).where(Kit.study_id == study.id).limit(1)) is not None


def kit_by_number(study: Study, number: str) -> Kit | None:
    return tool().db_session().scalar(select(Kit).where(Kit.study_id == study.id, Kit.number == number))


def visible_kit(kit_id: int) -> Kit | None:
    kit = tool().db_session().get(Kit, kit_id)
    return kit if kit is not None and tool().can("view_study", kit) else None


def where_is(kit: Kit, depot_codes: dict[int, str], site_codes: dict[int, str]) -> str:
    if kit.status == "in_transit":
        return f"to {site_codes.get(kit.site_id, '?')}"
    if kit.site_id:
        return site_codes.get(kit.site_id, "")
    return depot_codes.get(kit.depot_id, "")


def kit_json(kit: Kit, *, show_arm: bool | None = None, places: tuple[dict, dict] | None = None) -> dict:
    """A kit as the API answers it: the arm only for the unblinded."""
    show_arm = unblinded(kit) if show_arm is None else show_arm
    depot_codes, site_codes = places or ({}, {})
    data = {"id": kit.id, "number": kit.number, "lot": kit.lot, "expiry": kit.expiry.isoformat(),
            "status": kit.status, "status_label": KIT_STATES.get(kit.status, kit.status),
            "depot": depot_codes.get(kit.depot_id) if kit.depot_id else None,
            "site": site_codes.get(kit.site_id) if kit.site_id else None,
            "dispensed_at": kit.dispensed_at.isoformat() if kit.dispensed_at else None}
    if show_arm:
        data["arm"] = kit.arm_code
    return data


def today() -> date:
    """Today in UTC: the day expiry windows are judged on."""
    return datetime.now(UTC).date()
