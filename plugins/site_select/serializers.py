"""JSON shapes of the API: sites, ranked sites with their components, forecasts, batches."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from .domain import Forecast, ScoredSite
from .models import ImportBatch, Shortlist, Site


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def site_json(site: Site) -> dict:
    return {"id": site.id, "name": site.name, "country": site.country, "city": site.city,
            "lat": site.lat, "lon": site.lon, "therapeutic_areas": list(site.therapeutic_areas or []),
            "conditions": list(site.conditions or []), "network": site.network,
            "investigators": list(site.investigators or [])}


def scored_json(item: ScoredSite, position: int) -> dict:
    metrics = {key: (_iso(value) if isinstance(value, date) else _round(value) if isinstance(value, float)
                     else value) for key, value in asdict(item.metrics).items()}
    return {"rank": position, "site_id": item.site.site_id, "name": item.site.name,
            "country": item.site.country, "city": item.site.city, "network": item.site.network,
            "score": round(item.score, 2),
            "components": {k: _round(v) for k, v in item.components.items()},
            "contributions": {k: _round(v, 2) for k, v in item.contributions.items()},
            "distance_km": _round(item.distance_km, 1), "metrics": metrics,
            "reasons_up": list(item.reasons_up), "reasons_down": list(item.reasons_down)}


def forecast_json(forecast: Forecast | None, curve: list[tuple[int, float]] | None = None) -> dict | None:
    if forecast is None:
        return None
    data = {"monthly_rate": _round(forecast.monthly_rate, 3), "months_to_target": _round(forecast.months_to_target, 2),
            "projected_lsi": _iso(forecast.projected_lsi), "target_lsi": _iso(forecast.target_lsi),
            "on_track": forecast.on_track,
            "per_site": [{"site_id": sid, "monthly_rate": _round(rate, 3)} for sid, rate in forecast.per_site]}
    if curve is not None:
        data["expected_by_month"] = [{"month": m, "subjects": v} for m, v in curve]
    return data


def batch_json(batch: ImportBatch) -> dict:
    return {"id": batch.id, "created_at": batch.created_at.isoformat(), "files": dict(batch.files or {}),
            "sites_created": batch.sites_created, "sites_merged": batch.sites_merged,
            "history_created": batch.history_created, "history_skipped": batch.history_skipped,
            "rejected": list(batch.rejected or [])}


def shortlist_json(shortlist: Shortlist) -> dict:
    return {"id": shortlist.id, "name": shortlist.name, "trial_ref": shortlist.trial_ref,
            "spec": dict(shortlist.spec or {}),
            "handed_off_at": shortlist.handed_off_at.isoformat() if shortlist.handed_off_at else None,
            "sites": [{"position": e.position, "site_id": e.site_id, "name": e.site.name, "score": e.score}
                      for e in shortlist.entries]}
