"""Ranking the organization's sites for a trial spec, and the shortlist's enrollment forecast.

Hard filters that SQL can apply (countries, exclusions) narrow the sites before they are
loaded; the radius filter, metrics, shrinkage, scoring and explanations are the domain's.
History is loaded for every site so that each area's baseline (the shrinkage target) is the
organization's whole record, not just the candidates'.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain import Forecast, ScoredSite, TrialSpec, Weights, forecast_enrollment, rank_sites
from .loading import load_history, load_sites


@dataclass(frozen=True)
class Ranking:
    spec: TrialSpec
    weights: Weights
    ranked: list[ScoredSite]
    candidates: int
    forecast: Forecast | None

    @property
    def shortlist(self) -> list[ScoredSite]:
        return self.ranked[: self.spec.shortlist_size]


def rank(spec: TrialSpec, weights: Weights, *, as_of: date | None = None,
         limit: int | None = None) -> Ranking:
    """Rank every eligible site; the forecast covers the top ``spec.shortlist_size``."""
    sites = load_sites(countries=spec.countries, exclude_ids=spec.exclude_site_ids)
    history = load_history()
    ranked = rank_sites(sites, history, spec, weights, as_of=as_of or date.today(), limit=limit)
    top = ranked[: spec.shortlist_size]
    forecast = forecast_enrollment(top, spec) if top else None
    return Ranking(spec, weights, ranked, len(sites), forecast)


def score_selected(spec: TrialSpec, weights: Weights, site_ids: list[int], *,
                   as_of: date | None = None) -> Ranking:
    """Chosen sites (a shortlist) as the spec's ranking scores them, in the given order, with
    the forecast for exactly those sites.

    Components are percentiles among the candidates, so the chosen sites are scored within
    the spec's full ranking. A chosen site that no longer passes the spec's hard filters (its
    country was changed, say) is scored with the filters lifted.
    """
    as_of = as_of or date.today()
    history = load_history()
    full = rank_sites(load_sites(countries=spec.countries), history, spec, weights, as_of=as_of)
    by_id = {item.site.site_id: item for item in full}
    missing = [site_id for site_id in site_ids if site_id not in by_id]
    if missing:
        open_spec = _without_filters(spec, len(missing))
        for item in rank_sites(load_sites(only_ids=missing), history, open_spec, weights, as_of=as_of):
            by_id[item.site.site_id] = item
    chosen = [by_id[site_id] for site_id in site_ids if site_id in by_id]
    forecast = forecast_enrollment(chosen, spec) if chosen else None
    return Ranking(spec, weights, chosen, len(full), forecast)


def _without_filters(spec: TrialSpec, size: int) -> TrialSpec:
    return TrialSpec(therapeutic_area=spec.therapeutic_area, condition=spec.condition, phase=spec.phase,
                     countries=(), target_enrollment=spec.target_enrollment, start_date=spec.start_date,
                     target_lsi=spec.target_lsi, shortlist_size=max(size, 1))
