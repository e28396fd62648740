"""Reading the organization's sites and history as domain values, fast.

Ranking touches every site and every history row of the organization, so these functions
select only the columns the domain needs, as plain tuples (no ORM objects, no lazy loads,
one query per table), and can narrow the sites in SQL before the domain filters run.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from sdk import tool

from ..domain import Site, TrialHistory
from ..models import Site as SiteRow
from ..models import TrialHistory as HistoryRow

SITE_COLUMNS = (SiteRow.id, SiteRow.name, SiteRow.country, SiteRow.city, SiteRow.lat, SiteRow.lon,
                SiteRow.therapeutic_areas, SiteRow.conditions, SiteRow.network, SiteRow.investigators)
HISTORY_COLUMNS = (HistoryRow.site_id, HistoryRow.trial_ref, HistoryRow.phase,
                   HistoryRow.therapeutic_area, HistoryRow.condition, HistoryRow.selected_on,
                   HistoryRow.activated_on, HistoryRow.first_subject_in, HistoryRow.last_subject_in,
                   HistoryRow.screened, HistoryRow.enrolled, HistoryRow.target,
                   HistoryRow.queries_per_100, HistoryRow.deviations, HistoryRow.started_on)


def _site(row) -> Site:
    sid, name, country, city, lat, lon, areas, conditions, network, investigators = row
    return Site(site_id=sid, name=name, country=country, city=city or "", latitude=lat, longitude=lon,
                therapeutic_areas=tuple(areas or ()), conditions=tuple(conditions or ()),
                network=network, investigator="; ".join(investigators or ()) or None)


def _history(row) -> TrialHistory:
    (site_id, trial_ref, phase, area, condition, selected, activated, fsi, lsi, screened, enrolled,
     target, queries, deviations, started) = row
    return TrialHistory(site_id=site_id, trial_ref=trial_ref, phase=phase, therapeutic_area=area,
                        condition=condition, selected_on=selected, activated_on=activated,
                        first_subject_in=fsi, last_subject_in=lsi, screened=screened, enrolled=enrolled,
                        target=target, queries_per_100=queries, deviations=deviations, started_on=started)


def load_sites(*, countries: Iterable[str] = (), exclude_ids: Iterable[int] = (),
               only_ids: Iterable[int] | None = None) -> list[Site]:
    """The organization's sites, narrowed in SQL by country, exclusions or an explicit id list."""
    query = select(*SITE_COLUMNS)
    countries, exclude_ids = list(countries), list(exclude_ids)
    if countries:
        query = query.where(SiteRow.country.in_(countries))
    if exclude_ids:
        query = query.where(SiteRow.id.not_in(exclude_ids))
    if only_ids is not None:
        query = query.where(SiteRow.id.in_(list(only_ids)))
    return [_site(row) for row in tool().db_session().execute(query.order_by(SiteRow.id))]


def load_history(*, site_ids: Iterable[int] | None = None) -> list[TrialHistory]:
    """The organization's trial history (every site, so area baselines see everyone)."""
    query = select(*HISTORY_COLUMNS)
    if site_ids is not None:
        query = query.where(HistoryRow.site_id.in_(list(site_ids)))
    return [_history(row) for row in tool().db_session().execute(query.order_by(HistoryRow.id))]
