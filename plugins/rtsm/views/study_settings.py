"""Changing a study's set-up from its hub: adding a site, and its settings (name, protocol,
randomization on EDC enrollment, the do-not-ship and do-not-dispense windows). Only the study's
owner's study managers (``manage_study``); a grantee never changes the set-up. The rules are in
``services.studies``; every problem is shown beside its field, nothing changed on a refusal."""
from __future__ import annotations

from flask import flash, redirect, url_for

from sdk import requires_permission

from ..services import studies as service
from . import bp
from .lookups import commit_or_refuse, manageable_or_403
from .scheme_forms import absorb_mapped
from .studies import render_study
from .study_forms import SettingsForm, SiteForm


def _render(study, **forms):
    return render_study(study, **forms)


@bp.post("/studies/<int:study_id>/sites")
@requires_permission("manage_study")
def add_site(study_id: int):
    study = manageable_or_403(study_id)
    form = SiteForm()
    if not form.validate():
        return _render(study, site_form=form), 422
    data = {"code": form.code.data or "", "name": form.site_name.data or ""}
    outcome = commit_or_refuse(lambda: _render(study, site_form=form), form, lambda: service.add_site(study, data),
                               on_problems=lambda found: absorb_mapped(form, found, {"name": "site_name"}))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Site {outcome.result.code} added.", "success")
    return redirect(url_for(".study", study_id=study.id) + "#sites")


@bp.post("/studies/<int:study_id>/settings")
@requires_permission("manage_study")
def update_settings(study_id: int):
    study = manageable_or_403(study_id)
    form = SettingsForm()
    if not form.validate():
        return _render(study, settings_form=form), 422
    data = {key: form[key].data for key in ("name", "protocol", "randomize_on_enrollment",
                                            "do_not_ship_days", "do_not_dispense_days")}
    outcome = commit_or_refuse(lambda: _render(study, settings_form=form), form,
                               lambda: service.update_settings(study, data))
    if outcome.refusal:
        return outcome.refusal
    flash("The study's settings are saved.", "success")
    return redirect(url_for(".study", study_id=study.id) + "#settings")
