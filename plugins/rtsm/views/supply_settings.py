"""Supply settings: the study's depots, its expiry windows, and each site's min/max, initial
shipment, depot and activation (which requests the initial shipment). Seen by every member;
changed by supply managers of the owning organization."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from sdk import requires_permission

from ..services import depots as service
from ..services.access import visible_sites
from ..services.supply_access import list_depots, may_manage_supply
from . import bp
from .lookups import commit_or_refuse, study_or_404
from .supply_forms import ActionForm, DepotForm, SiteSupplyForm, WindowsForm


def _site_forms(study, depots, failed=None):
    forms = {}
    for site in visible_sites(study):
        if failed is not None and failed[0] == site.id:
            forms[site.id] = failed[1]
            continue
        depot = next((d for d in depots if d.id == site.depot_id), depots[0] if depots else None)
        forms[site.id] = with_ids(SiteSupplyForm(depots, formdata=None, data={
            "min_stock": str(site.min_stock), "max_stock": str(site.max_stock),
            "initial_kits": str(site.initial_kits), "depot": depot.code if depot else ""}), site)
    return forms


def with_ids(form, site):
    """Each site's form on one page: its fields get ids of their own (the names stay plain, so
    the one CSRF field is the usual one)."""
    for name in ("min_stock", "max_stock", "initial_kits", "depot"):
        field = getattr(form, name)
        field.id = field.label.field_id = f"site{site.id}-{name}"
    return form


def render_settings(study, *, depot_form=None, windows_form=None, failed_site=None, status=200):
    depots = list_depots(study)
    return render_template(
        "rtsm/supply_settings.html", study=study, depots=depots, sites=visible_sites(study),
        depot_form=depot_form or DepotForm(formdata=None),
        windows_form=windows_form or WindowsForm(formdata=None, data={
            "do_not_ship_days": str(study.do_not_ship_days), "do_not_dispense_days": str(study.do_not_dispense_days)}),
        site_forms=_site_forms(study, depots, failed_site), action_form=ActionForm(),
        may_manage=may_manage_supply(study)), status


def _manager_study(study_id: int):
    study = study_or_404(study_id)
    if not may_manage_supply(study):
        abort(403, "Changing supply settings needs the 'manage_supply' permission on a study your organization owns.")
    return study


@bp.get("/studies/<int:study_id>/supply/settings")
@requires_permission("view_study")
def supply_settings(study_id: int):
    return render_settings(study_or_404(study_id))


def _done(study, message):
    flash(message, "success")
    return redirect(url_for(".supply_settings", study_id=study.id))


@bp.post("/studies/<int:study_id>/supply/depots")
@requires_permission("view_study")
def add_depot(study_id: int):
    study = _manager_study(study_id)
    form = DepotForm()
    if not form.validate_on_submit():
        return render_settings(study, depot_form=form, status=422)
    outcome = commit_or_refuse(lambda: render_settings(study, depot_form=form, status=422)[0], form,
                               lambda: service.add_depot(study, form.data))
    return outcome.refusal or _done(study, f"Depot {outcome.result.code} added.")


@bp.post("/studies/<int:study_id>/supply/windows")
@requires_permission("view_study")
def set_windows(study_id: int):
    study = _manager_study(study_id)
    form = WindowsForm()
    if not form.validate_on_submit():
        return render_settings(study, windows_form=form, status=422)
    outcome = commit_or_refuse(lambda: render_settings(study, windows_form=form, status=422)[0], form,
                               lambda: service.set_windows(study, form.data))
    return outcome.refusal or _done(study, "Expiry windows saved.")


def _site(study, site_id: int):
    site = next((s for s in visible_sites(study) if s.id == site_id), None)
    return site or abort(404)


@bp.post("/studies/<int:study_id>/supply/sites/<int:site_id>")
@requires_permission("view_study")
def set_site_supply(study_id: int, site_id: int):
    site = _site(study_or_404(study_id), site_id)      # an unseen site is 404 before any right is checked
    study = _manager_study(study_id)
    form = with_ids(SiteSupplyForm(list_depots(study)), site)
    if not form.validate_on_submit():
        return render_settings(study, failed_site=(site.id, form), status=422)
    outcome = commit_or_refuse(lambda: render_settings(study, failed_site=(site.id, form), status=422)[0], form,
                               lambda: service.set_site_supply(site, form.data))
    return outcome.refusal or _done(study, f"Supply settings of site {site.code} saved.")


@bp.post("/studies/<int:study_id>/supply/sites/<int:site_id>/activate")
@requires_permission("view_study")
def activate_site(study_id: int, site_id: int):
    site = _site(study_or_404(study_id), site_id)      # an unseen site is 404 before any right is checked
    study = _manager_study(study_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = commit_or_refuse(lambda: render_settings(study, status=409)[0], form,
                               lambda: service.activate_site(site))
    if outcome.refusal:
        for message in form.form_errors:
            flash(message, "error")
        return outcome.refusal
    shipment = outcome.result
    if shipment is None:
        return _done(study, f"Site {site.code} activated; no initial shipment was requested (none set, or the "
                            "depot has no kits that can be shipped).")
    flash(f"Site {site.code} activated; initial shipment {shipment.number} requested.", "success")
    return redirect(url_for(".supply_shipment", study_id=study.id, shipment_id=shipment.id))

