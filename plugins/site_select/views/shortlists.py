"""Shortlists: saving picks from a ranking, the shortlist page with its forecast, CSV and PDF
exports, and the hand-off to project planning (pmcp)."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for

from sdk import requires_permission, tool
from sdk.csv_export import attachment_filename, csv_response
from sdk.numbers import row_id

from .. import charts
from ..domain import WEIGHT_NAMES, country_name
from ..forms import ShortlistForm
from ..services import SiteSelectError
from ..services import shortlists as shortlist_service
from ..services.evaluation import evaluate_shortlist
from ..services.exports import SHORTLIST_CSV_HEADER, shortlist_rows
from ..services.ownership import may_change
from ..services.report_pdf import shortlist_pdf
from ..services.specs import parse_ranking, spec_to_dict
from . import bp
from .common import INVALID, commit, flash_refusal, found
from .ranking import render_results


def _shortlist(shortlist_id: int):
    return found(shortlist_service.get_shortlist(shortlist_id))


@bp.get("/shortlists")
@requires_permission("view")
def shortlists():
    return render_template("site_select/shortlists.html", shortlists=shortlist_service.list_shortlists())


@bp.post("/shortlists")
@requires_permission("rank")
def create_shortlist():
    """Save the sites ticked on the results page, with the spec and weights they were ranked by.
    A refusal shows the results again, every problem beside its field and the ticks kept."""
    form = ShortlistForm()
    spec_data = _spec_data(form.spec_json.data)
    site_ids = [i for i in map(row_id, request.form.getlist("site_ids")) if i is not None]
    try:
        if spec_data is None:
            raise SiteSelectError("the trial spec of this ranking was lost; rank again")
        spec, weights = parse_ranking(spec_data)
    except SiteSelectError as exc:
        flash_refusal(exc)
        return render_template("site_select/shortlists.html",
                               shortlists=shortlist_service.list_shortlists()), INVALID
    if form.validate_on_submit():
        try:
            shortlist = shortlist_service.create_shortlist(
                form.name.data, spec_to_dict(spec, weights, title=(form.title.data or "")[:300]),
                site_ids, trial_ref=form.trial_ref.data)
            commit()
            flash(f"Saved the shortlist {shortlist.name} with {len(shortlist.entries)} sites.", "success")
            return redirect(url_for("site_select.shortlist_page", shortlist_id=shortlist.id))
        except SiteSelectError as exc:
            tool().db_session().rollback()
            form.absorb(exc)
    return render_results(spec, weights, spec_data, form=form, picked=site_ids, status=INVALID)


def _spec_data(text: str | None) -> dict | None:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@bp.get("/shortlists/<int:shortlist_id>")
@requires_permission("view")
def shortlist_page(shortlist_id: int):
    return _render_shortlist(_shortlist(shortlist_id))


def _render_shortlist(shortlist, status: int = 200):
    evaluation = evaluate_shortlist(shortlist)
    target = evaluation.ranking.spec.target_enrollment
    return render_template(
        "site_select/shortlist.html", evaluation=evaluation, shortlist=shortlist,
        weight_names=WEIGHT_NAMES, country_name=country_name, can_hand_off=shortlist_service.can_hand_off(),
        may_delete=may_change(shortlist),
        **charts.forecast_charts(evaluation.scored, evaluation.rates, evaluation.curve, target,
                                 "the shortlist")), status


@bp.get("/shortlists/<int:shortlist_id>/export.csv")
@requires_permission("view")
def export_csv(shortlist_id: int):
    shortlist = _shortlist(shortlist_id)
    return csv_response(SHORTLIST_CSV_HEADER, shortlist_rows(evaluate_shortlist(shortlist)), shortlist.name)


@bp.get("/shortlists/<int:shortlist_id>/report.pdf")
@requires_permission("view")
def export_pdf(shortlist_id: int):
    shortlist = _shortlist(shortlist_id)
    name = attachment_filename(shortlist.name, "pdf")
    return Response(shortlist_pdf(evaluate_shortlist(shortlist)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/shortlists/<int:shortlist_id>/hand-off")
@requires_permission("rank")
def hand_off(shortlist_id: int):
    shortlist = _shortlist(shortlist_id)
    try:
        shortlist_service.hand_off(shortlist, evaluate_shortlist(shortlist).rates)
        commit()
    except SiteSelectError as exc:
        flash_refusal(exc)
        return _render_shortlist(_shortlist(shortlist_id), INVALID)
    flash("Handed to project planning: pmcp creates the site-activation milestones.", "success")
    return redirect(url_for("site_select.shortlist_page", shortlist_id=shortlist_id))


@bp.post("/shortlists/<int:shortlist_id>/sites/<int:site_id>/remove")
@requires_permission("rank")
def remove_site(shortlist_id: int, site_id: int):
    shortlist = _shortlist(shortlist_id)
    try:
        shortlist_service.remove_entry(shortlist, site_id)
        commit()
    except SiteSelectError as exc:
        flash_refusal(exc)
        return _render_shortlist(_shortlist(shortlist_id), INVALID)
    flash("Removed the site from the shortlist.", "success")
    return redirect(url_for("site_select.shortlist_page", shortlist_id=shortlist_id))


@bp.post("/shortlists/<int:shortlist_id>/delete")
@requires_permission("rank")
def delete_shortlist(shortlist_id: int):
    shortlist = _shortlist(shortlist_id)
    name = shortlist.name
    try:
        shortlist_service.delete_shortlist(shortlist)
        commit()
    except SiteSelectError as exc:
        flash_refusal(exc)
        return _render_shortlist(_shortlist(shortlist_id), exc.status)
    flash(f"Deleted the shortlist {name}.", "success")
    return redirect(url_for("site_select.shortlists"))
