"""Import site history from AACT-layout flat files, keeping good rows and reporting bad ones.

Files (pipe-delimited, header row; see ``aact_writer`` for the exact columns we write):

- ``studies.txt``      nct_id, phase, start_date (required columns); one row per study
- ``conditions.txt``   nct_id, name; the first condition the shipped mapping knows gives
                       the study's therapeutic area ("other" when none does)
- ``facilities.txt``   id, nct_id, name, city, country (+ optional latitude, longitude)
- ``facility_investigators.txt`` (optional) facility_id, name
- ``facility_performance.txt``   (optional, our extension) facility_id plus the site's
                       dates and counts; the registry itself has no per-site enrollment

AACT lists a facility once per study, each time with a new id. Rows with the same
normalized name, city and country are one site, whose ``site_id`` is the smallest facility
id among them. Coordinates come from the file when present, else from the shipped city
table. A row that cannot be used is skipped and reported as ``RejectedRow(file, line,
reason)``; rows that depend on it (a facility of a rejected study) are reported too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import TextIO

from .aact_fields import (
    RowError,
    open_files,
    parse_count,
    parse_date,
    parse_number,
    read_header,
    read_rows,
    text,
)
from .countries import country_code
from .dedupe import normalize_facility_name
from .places import city_coordinates
from .types import AactImport, RejectedRow, Site, TrialHistory
from .vocabulary import area_for_condition, normalize_phase

AACT_FILES = (
    "studies.txt",
    "conditions.txt",
    "facilities.txt",
    "facility_investigators.txt",
    "facility_performance.txt",
)
REQUIRED_FILES = ("studies.txt", "conditions.txt", "facilities.txt")
REQUIRED_COLUMNS = {
    "studies.txt": ("nct_id", "phase", "start_date"),
    "conditions.txt": ("nct_id", "name"),
    "facilities.txt": ("id", "nct_id", "name", "city", "country"),
    "facility_investigators.txt": ("facility_id", "name"),
    "facility_performance.txt": ("facility_id",),
}
OTHER_AREA = "other"


class _Import:
    def __init__(self, files: Mapping[str, TextIO]) -> None:
        self.files = files
        self.rejected: list[RejectedRow] = []

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        """Well-formed rows of one file (none if the optional file is absent)."""
        if name not in self.files:
            return
        for line, row in read_rows(name, self.files[name], REQUIRED_COLUMNS[name]):
            if isinstance(row, str):
                self.reject(name, line, row)
            else:
                yield line, row

    def reject(self, name: str, line: int, reason: str) -> None:
        self.rejected.append(RejectedRow(name, line, reason))


def _studies(job: _Import) -> dict[str, dict]:
    studies: dict[str, dict] = {}
    for line, row in job.rows("studies.txt"):
        try:
            nct_id = text(row, "nct_id", required=True)
            if nct_id in studies:
                raise RowError(f"duplicate study {nct_id}")
            phase = normalize_phase(row["phase"]) if row["phase"] else "NA"
            studies[nct_id] = {"phase": phase, "start": parse_date(row, "start_date"), "conditions": []}
        except (RowError, ValueError) as error:
            job.reject("studies.txt", line, str(error))
    for line, row in job.rows("conditions.txt"):
        study = studies.get(row["nct_id"])
        if study is None:
            job.reject("conditions.txt", line, f"unknown or rejected study {row['nct_id']!r}")
        elif not row["name"]:
            job.reject("conditions.txt", line, "name is empty")
        else:
            study["conditions"].append(row["name"])
    for study in studies.values():
        mapped = [(area_for_condition(name), name) for name in study["conditions"]]
        known = [(area, name) for area, name in mapped if area is not None]
        study["area"], study["condition"] = (
            known[0] if known else (OTHER_AREA, study["conditions"][0] if study["conditions"] else "")
        )
    return studies


def _facilities(job: _Import, studies: dict[str, dict]) -> dict[int, dict]:
    facilities: dict[int, dict] = {}
    seen: dict[tuple, int] = {}
    for line, row in job.rows("facilities.txt"):
        try:
            facility_id = parse_count(row, "id")
            if facility_id is None:
                raise RowError("id is empty")
            if facility_id in facilities:
                raise RowError(f"duplicate facility id {facility_id}")
            nct_id = row["nct_id"]
            if nct_id not in studies:
                raise RowError(f"unknown or rejected study {nct_id!r}")
            name, city = text(row, "name", required=True), text(row, "city", required=True)
            country = country_code(text(row, "country", required=True))
            if country is None:
                raise RowError(f"unknown country {row['country']!r}")
            key = (normalize_facility_name(name), normalize_facility_name(city), country)
            if (key, nct_id) in seen:
                raise RowError(f"same facility as id {seen[(key, nct_id)]} in study {nct_id}")
            latitude = parse_number(row, "latitude", low=-90, high=90)
            longitude = parse_number(row, "longitude", low=-180, high=180)
            if latitude is None or longitude is None:
                latitude, longitude = city_coordinates(country, city) or (None, None)
        except RowError as error:
            job.reject("facilities.txt", line, str(error))
            continue
        seen[(key, nct_id)] = facility_id
        facilities[facility_id] = {
            "nct_id": nct_id,
            "name": name,
            "city": city,
            "country": country,
            "key": key,
            "latitude": latitude,
            "longitude": longitude,
            "perf": {},
            "investigator": None,
        }
    return facilities


def _performance(job: _Import, facilities: dict[int, dict]) -> None:
    for line, row in job.rows("facility_performance.txt"):
        try:
            facility = facilities.get(parse_count(row, "facility_id") or -1)
            if facility is None:
                raise RowError(f"unknown or rejected facility {row['facility_id']!r}")
            perf = {
                column: parse_date(row, column)
                for column in ("selected_on", "activated_on", "first_subject_in", "last_subject_in")
            }
            perf.update(
                {
                    column: parse_count(row, column)
                    for column in ("screened", "enrolled", "target", "deviations")
                }
            )
            perf["queries_per_100"] = parse_number(row, "queries_per_100", low=0)
            perf["network"] = text(row, "network")
            _check_performance(perf)
        except RowError as error:
            job.reject("facility_performance.txt", line, str(error))
            continue
        facility["perf"] = perf
    for line, row in job.rows("facility_investigators.txt"):
        facility = facilities.get(int(row["facility_id"])) if row["facility_id"].isdigit() else None
        if facility is None:
            job.reject(
                "facility_investigators.txt", line, f"unknown or rejected facility {row['facility_id']!r}"
            )
        elif row["name"]:
            facility["investigator"] = row["name"]


def _check_performance(perf: dict) -> None:
    if perf["screened"] is not None and perf["enrolled"] is not None and perf["enrolled"] > perf["screened"]:
        raise RowError(f"enrolled ({perf['enrolled']}) exceeds screened ({perf['screened']})")
    for earlier, later in (
        ("selected_on", "activated_on"),
        ("first_subject_in", "last_subject_in"),
        ("activated_on", "last_subject_in"),
    ):
        if perf[earlier] and perf[later] and perf[later] < perf[earlier]:
            raise RowError(f"{later} {perf[later]} is before {earlier} {perf[earlier]}")


def _assemble(
    studies: dict[str, dict],
    facilities: dict[int, dict],
) -> tuple[tuple[Site, ...], tuple[TrialHistory, ...]]:
    site_ids: dict[tuple, int] = {}
    for facility_id, facility in sorted(facilities.items()):
        site_ids.setdefault(facility["key"], facility_id)
    history, grouped = [], {}
    for facility_id, facility in sorted(facilities.items()):
        study, perf = studies[facility["nct_id"]], facility["perf"]
        site_id = site_ids[facility["key"]]
        grouped.setdefault(site_id, []).append((facility, study))
        history.append(
            TrialHistory(
                site_id=site_id,
                trial_ref=facility["nct_id"],
                phase=study["phase"],
                therapeutic_area=study["area"],
                condition=study["condition"],
                **{name: value for name, value in perf.items() if name != "network"},
                started_on=study["start"],
            )
        )
    sites = []
    for site_id, members in sorted(grouped.items()):
        first = members[0][0]
        networks = [f["perf"].get("network") for f, _ in members if f["perf"].get("network")]
        investigators = [f["investigator"] for f, _ in members if f["investigator"]]
        sites.append(
            Site(
                site_id=site_id,
                name=first["name"],
                country=first["country"],
                city=first["city"],
                latitude=first["latitude"],
                longitude=first["longitude"],
                therapeutic_areas=tuple(sorted({s["area"] for _, s in members})),
                conditions=tuple(sorted({c for _, s in members for c in s["conditions"]})),
                network=networks[-1] if networks else None,
                investigator=investigators[-1] if investigators else None,
            )
        )
    return tuple(sites), tuple(history)


def layout_problems(files: Mapping[str, str]) -> list[str]:
    """What :func:`parse_aact` would refuse whole, found from the header rows alone (cheap enough
    to check before a long import starts): required files missing, empty files, missing columns."""
    opened = open_files(files)
    missing = [name for name in REQUIRED_FILES if name not in opened]
    problems = [f"missing AACT file(s): {', '.join(missing)}"] if missing else []
    for name in AACT_FILES:
        if name in opened:
            try:
                read_header(name, csv.reader(opened[name], delimiter="|"), REQUIRED_COLUMNS[name])
            except ValueError as exc:
                problems.append(str(exc))
    return problems


def parse_aact(files: Mapping[str, TextIO | str]) -> AactImport:
    """Sites and history from AACT-layout files (name -> text stream or string).

    Raises ValueError when a required file or column is missing; bad rows are skipped and
    listed in ``rejected`` in file order.
    """
    opened = open_files(files)
    missing = [name for name in REQUIRED_FILES if name not in opened]
    if missing:
        raise ValueError(f"missing AACT file(s): {', '.join(missing)}")
    job = _Import(opened)
    studies = _studies(job)
    facilities = _facilities(job, studies)
    _performance(job, facilities)
    sites, history = _assemble(studies, facilities)
    order = {name: index for index, name in enumerate(AACT_FILES)}
    rejected = tuple(sorted(job.rejected, key=lambda row: (order.get(row.file, 99), row.line)))
    return AactImport(sites=sites, history=history, rejected=rejected)
