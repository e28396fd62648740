"""The trial-spec form, the ranked results with explanations and forecast, and weight presets.

Ranking changes nothing, so results answer a GET (a link can be shared inside the organization)
as well as the form's POST; the form's second button saves its weights as a preset (audited).
"""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for

from sdk import requires_permission, tool
from sdk.forms import InputProblems
from sdk.numbers import row_id
from sdk.tables import Column, list_page

from .. import charts
from ..domain import WEIGHT_NAMES, Weights
from ..forms import PresetChoiceForm, RankForm, ShortlistForm
from ..services import SiteSelectError
from ..services.evaluation import expected_by_month
from ..services.presets import delete_preset, get_preset, list_presets, preset_weights, save_preset_input
from ..services.ranking import rank
from ..services.specs import parse_ranking, spec_to_dict
from . import bp
from .common import INVALID, commit, flash_refusal, found


def _weight_data(weights: Weights) -> dict:
    return {f"weight_{name}": f"{value:g}" for name, value in weights.as_dict().items()}


def _rank_page(form: RankForm, status: int = 200):
    presets = list_presets()
    chooser = PresetChoiceForm(presets, formdata=None, data={"preset": request.args.get("preset", "")})
    return render_template("site_select/rank_form.html", form=form, chooser=chooser if presets else None), status


@bp.get("/rank")
@requires_permission("rank")
def rank_form():
    """The form, refilled from its query (a results page's "Change the trial spec", a saved
    preset); ``preset`` loads that preset's weights."""
    weights = Weights()
    if request.args.get("preset"):
        preset_id = row_id(request.args["preset"])
        try:
            weights = preset_weights(found(get_preset(preset_id) if preset_id is not None else None))
        except SiteSelectError as exc:  # a preset stored before today's rules: say so, use the defaults
            flash_refusal(exc)
    args = request.args.copy()
    if request.args.get("preset"):  # the preset's weights, not those the query carried
        for name in WEIGHT_NAMES:
            args.pop(f"weight_{name}", None)
    return _rank_page(RankForm(formdata=args or None, data=_weight_data(weights)))


@bp.route("/rank/results", methods=["GET", "POST"])
@requires_permission("rank")
def rank_results():
    """The ranking of a trial spec. A posted form is answered with a redirect to the same ranking
    as a GET URL of the spec and weights, which the person can bookmark, reload and page; a
    spec with problems shows the form again with every problem beside its field."""
    size = tool().settings.get("shortlist_size")
    posted = request.method == "POST"
    if not posted and not _spec_args(request.args):  # nothing to rank yet: the empty form
        return redirect(url_for("site_select.rank_form"))
    form = RankForm() if posted else RankForm(formdata=request.args, data=_weight_data(Weights()))
    if posted and not form.validate_on_submit():
        return _rank_page(form, INVALID)
    try:
        spec, weights = parse_ranking(form.data, default_size=size)
    except SiteSelectError as exc:
        form.absorb(exc)
        return _rank_page(form, INVALID)
    if posted:
        return redirect(url_for("site_select.rank_results", **_spec_args(form.data), **_weight_args(weights)), 303)
    return render_results(spec, weights, request.args)


def render_results(spec, weights, values, *, form: ShortlistForm | None = None, picked=None, status: int = 200):
    """The results page of ``spec``; ``form`` and ``picked`` (site ids) refill the shortlist form
    after a refusal."""
    ranking = rank(spec, weights)
    positions = {s.site.site_id: i for i, s in enumerate(ranking.ranked, start=1)}
    page = list_page(ranking.ranked, _result_columns(positions), default_sort="rank")
    top_ids = set(picked) if picked is not None else {s.site.site_id for s in ranking.shortlist}
    on_page = {s.site.site_id for s in page.items}
    return render_template(
        "site_select/results.html", ranking=ranking, page=page, positions=positions, top_ids=top_ids,
        top_elsewhere=sorted(top_ids - on_page, key=lambda i: positions.get(i, len(positions) + 1)),
        form=form or ShortlistForm(formdata=None, data={"spec_json": json.dumps(spec_to_dict(spec, weights))}),
        weight_names=WEIGHT_NAMES, **_forecast_charts(ranking),
        back_args={**_spec_args(values), **_weight_args(weights)}), status


def _result_columns(positions: dict) -> tuple[Column, ...]:
    return (Column("pick", "Pick", width="4.5rem"),
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
    """The rank form's second button: only the preset's name and the weights are looked at, so it
    works with the trial fields empty (or wrong)."""
    form = RankForm()
    if not form.validate_on_submit():
        return _rank_page(form, INVALID)
    try:
        preset = save_preset_input(form.preset_name.data, form.data)
        commit()
    except SiteSelectError as exc:
        tool().db_session().rollback()
        form.absorb(InputProblems([("preset_name" if field == "name" else field, message)
                                   for field, message in exc.items]))
        return _rank_page(form, getattr(exc, "status", INVALID))
    flash(f"Saved the weight preset {preset.name}.", "success")
    return redirect(url_for("site_select.rank_form", preset=preset.id, **_spec_args(form.data)))


def _spec_args(values) -> dict:
    """The trial-spec fields of a form, JSON spec or query, to refill the form after a redirect
    (lists as the comma-separated text the form takes)."""
    found_args = {}
    for key in RankForm.SPEC_FIELDS:
        value = values.get(key)
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        if value not in (None, ""):
            found_args[key] = value
    return found_args


def _weight_args(weights: Weights) -> dict:
    return {f"weight_{n}": v for n, v in weights.as_dict().items()}


@bp.post("/presets/<int:preset_id>/delete")
@requires_permission("rank")
def delete_preset_page(preset_id: int):
    preset = found(get_preset(preset_id))
    name = preset.name
    try:
        delete_preset(preset)
        commit()
    except SiteSelectError as exc:
        flash_refusal(exc)
        return _rank_page(RankForm(formdata=None, data=_weight_data(Weights())), exc.status)
    flash(f"Deleted the weight preset {name}.", "success")
    return redirect(url_for("site_select.rank_form"))
