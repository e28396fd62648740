"""Write synthetic data as AACT flat files (pipe-delimited, header row, one table per file).

AACT's own tables (studies, facilities, conditions, facility_investigators) carry what the
registry knows. The registry has no per-site enrollment, so the site-level numbers travel in
one extra file in the same style, ``facility_performance.txt``: one row per facility row
(keyed by ``facility_id``) with the network, the site's dates (selected, activated, first
and last subject in; ISO ``YYYY-MM-DD``), screened, enrolled, target, queries per 100 data
points and protocol deviations. Empty fields mean unknown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from .countries import country_name
from .generator import simulate
from .places import cities

STUDY_COLUMNS = (
    "nct_id",
    "study_type",
    "phase",
    "overall_status",
    "start_date",
    "completion_date",
    "enrollment",
    "enrollment_type",
    "brief_title",
)
FACILITY_COLUMNS = ("id", "nct_id", "status", "name", "city", "state", "zip", "country")
CONDITION_COLUMNS = ("id", "nct_id", "name", "downcase_name")
INVESTIGATOR_COLUMNS = ("id", "nct_id", "facility_id", "role", "name")
PERFORMANCE_COLUMNS = (
    "facility_id",
    "nct_id",
    "network",
    "selected_on",
    "activated_on",
    "first_subject_in",
    "last_subject_in",
    "screened",
    "enrolled",
    "target",
    "queries_per_100",
    "deviations",
)
STATUS_DATE = date(2025, 6, 1)
"""Studies whose completion falls after this date are written as still running."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """One AACT-style table: '|' between fields, '\\n' between rows, quotes only when needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="|", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def generate_aact(
    seed: int,
    n_sites: int,
    n_trials: int,
    *,
    sites_per_trial: tuple[int, int] = (10, 60),
) -> dict[str, str]:
    """File name -> text of the synthetic data in AACT layout (plus facility_performance.txt).

    Sites that joined no trial do not appear: the registry only knows facilities of studies.
    """
    world = simulate(seed, n_sites, n_trials, sites_per_trial=sites_per_trial)
    sites = {site.site_id: site for site in world.sites}
    states = {(city.country, city.name): city.state for city in cities()}
    enrolled: dict[str, int] = {}
    for row in world.history:
        enrolled[row.trial_ref] = enrolled.get(row.trial_ref, 0) + (row.enrolled or 0)
    studies, conditions = [], []
    for number, trial in enumerate(world.trials, start=1):
        completion = (trial.enrollment_end + timedelta(days=180)).replace(day=1)
        status = "COMPLETED" if completion < STATUS_DATE else "ACTIVE_NOT_RECRUITING"
        studies.append(
            (
                trial.nct_id,
                "INTERVENTIONAL",
                trial.phase,
                status,
                trial.start,
                completion,
                enrolled.get(trial.nct_id, 0),
                "ACTUAL",
                trial.title,
            )
        )
        conditions.append((number, trial.nct_id, trial.condition, trial.condition.lower()))
    facilities, investigators, performance = [], [], []
    for facility_id, row in enumerate(world.history, start=1):
        site = sites[row.site_id]
        zip_code = f"{(site.site_id * 7919) % 90000 + 10000}"
        facilities.append(
            (
                facility_id,
                row.trial_ref,
                "COMPLETED",
                site.name,
                site.city,
                states.get((site.country, site.city), ""),
                zip_code,
                country_name(site.country),
            )
        )
        if site.investigator:
            investigators.append(
                (facility_id, row.trial_ref, facility_id, "PRINCIPAL_INVESTIGATOR", site.investigator)
            )
        performance.append(
            (
                facility_id,
                row.trial_ref,
                site.network,
                row.selected_on,
                row.activated_on,
                row.first_subject_in,
                row.last_subject_in,
                row.screened,
                row.enrolled,
                row.target,
                row.queries_per_100,
                row.deviations,
            )
        )
    return {
        "studies.txt": write_table(STUDY_COLUMNS, studies),
        "facilities.txt": write_table(FACILITY_COLUMNS, facilities),
        "conditions.txt": write_table(CONDITION_COLUMNS, conditions),
        "facility_investigators.txt": write_table(INVESTIGATOR_COLUMNS, investigators),
        "facility_performance.txt": write_table(PERFORMANCE_COLUMNS, performance),
    }
