"""The trial-spec form, the ranked results with explanations and forecast, and weight presets.

Ranking changes nothing, so results answer a GET (a link can be shared inside the organization)
as well as the form's POST; the form's second button saves its weights as a preset (audited).
"""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for

from sdk import requires_permission, tool
from sdk.numbers import row_id
from sdk.tables import Column, list_page

from .. import charts
from ..domain import WEIGHT_NAMES, Weights, therapeutic_areas
from ..domain.vocabulary import PHASES
from ..services import SiteSelectError
from ..services.evaluation import expected_by_month
from ..services.presets import delete_preset, get_preset, list_presets, preset_weights, save_preset
from ..services.ranking import rank
from ..services.specs import parse_spec, parse_weights, spec_to_dict
from . import bp
from .common import commit, found, refuse


def _form_context(form: dict, weights: Weights) -> dict:
    return {"form": form, "weights": weights.as_dict(), "weight_names": WEIGHT_NAMES, "phases": PHASES,
            "areas": therapeutic_areas(), "presets": list_presets()}


def _initial_weights() -> Weights:
    if not request.args.get("preset"):
        return parse_weights(request.args) if any(f"weight_{n}" in request.args for n in WEIGHT_NAMES) \
            else Weights()
    preset_id = row_id(request.args["preset"])
    return preset_weights(found(get_preset(preset_id) if preset_id is not None else None))


@bp.get("/rank")
@requires_permission("rank")
def rank_form():
    try:
        weights = _initial_weights()
    except SiteSelectError as exc:
        return refuse(exc, "site_select/rank_form.html", **_form_context(request.args, Weights()))
    return render_template("site_select/rank_form.html", **_form_context(request.args, weights))


@bp.route("/rank/results", methods=["GET", "POST"])
@requires_permission("rank")
def rank_results():
    """The ranking of a trial spec. A posted form is answered with a redirect to the same ranking
    as a GET URL of the spec and weights, which the person can bookmark, reload and page."""
    size = tool().settings.get("shortlist_size")
    values = request.values
    try:
        spec, weights = parse_spec(values, default_size=size), parse_weights(values)
    except SiteSelectError as exc:
        return refuse(exc, "site_select/rank_form.html", **_form_context(values, Weights()))
    if request.method == "POST":
        return redirect(url_for("site_select.rank_results", **_spec_args(values),
                                **{f"weight_{n}": v for n, v in weights.as_dict().items()}), 303)
    ranking = rank(spec, weights)
    positions = {s.site.site_id: i for i, s in enumerate(ranking.ranked, start=1)}
    page = list_page(ranking.ranked, _result_columns(positions), default_sort="rank")
    top_ids = {s.site.site_id for s in ranking.shortlist}
    on_page = {s.site.site_id for s in page.items}
    return render_template(
        "site_select/results.html", ranking=ranking, page=page, positions=positions, top_ids=top_ids,
        top_elsewhere=sorted(top_ids - on_page, key=positions.get),
        spec_json=json.dumps(spec_to_dict(spec, weights)), weight_names=WEIGHT_NAMES, **_forecast_charts(ranking),
        back_args={**_spec_args(values), **{f"weight_{n}": v for n, v in weights.as_dict().items()}})


def _result_columns(positions: dict) -> tuple[Column, ...]:
    return (Column("pick", "Pick", width="3.5rem"),
            Column("rank", "#", lambda s: positions[s.site.site_id], numeric=True, width="3.5rem"),
            Column("site", "Site", lambda s: s.site.name.lower(), width="24%"),
            Column("score", "Score", lambda s: s.score, numeric=True, width="5.5rem"),
            Column("components", "Components → points"), Column("why", "Why"))


def _forecast_charts(ranking) -> dict:
    top, forecast = ranking.shortlist, ranking.forecast
    rates = dict(forecast.per_site) if forecast else {}
    curve = expected_by_month(top, ranking.spec.target_enrollment)
    return charts.forecast_charts(top, rates, curve, ranking.spec.target_enrollment, "the top sites")


@bp.post("/presets")
@requires_permission("rank")
def save_preset_page():
    try:
        weights = parse_weights(request.form)
        preset = save_preset(request.form.get("preset_name", ""), weights)
        commit()
    except SiteSelectError as exc:
        return refuse(exc, "site_select/rank_form.html", **_form_context(request.form, Weights()))
    flash(f"Saved the weight preset {preset.name}.", "success")
    return redirect(url_for("site_select.rank_form", preset=preset.id, **_spec_args(request.form)))


def _spec_args(form) -> dict:
    """The trial-spec fields of a form, to refill the form after a redirect."""
    keys = ("therapeutic_area", "condition", "phase", "countries", "target_enrollment", "start_date",
            "target_lsi", "center_lat", "center_lon", "radius_km", "exclude_site_ids", "shortlist_size")
    return {key: form.get(key) for key in keys if form.get(key)}


@bp.post("/presets/<int:preset_id>/delete")
@requires_permission("rank")
def delete_preset_page(preset_id: int):
    preset = found(get_preset(preset_id))
    name = preset.name
    try:
        delete_preset(preset)
        commit()
    except SiteSelectError as exc:
        return refuse(exc, "site_select/rank_form.html", **_form_context(request.form, Weights()))
    flash(f"Deleted the weight preset {name}.", "success")
    return redirect(url_for("site_select.rank_form"))
