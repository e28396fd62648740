"""Pages of the site master: the directory, a site's profile, adding a site and its history."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from sdk import requires_permission, tool

from .. import charts
from ..domain import country_name, therapeutic_areas
from ..domain.vocabulary import PHASES
from ..services import SiteSelectError
from ..services import sites as site_master
from ..services.history import add_manual_history
from ..services.profile import site_profile
from . import bp
from .common import commit, found, refuse


@bp.get("/")
@requires_permission("view")
def directory():
    filters = site_master.SiteFilters.from_args(request.args)
    return render_template("site_select/directory.html", page=site_master.directory(filters),
                           filters=filters, facets=site_master.facets(), areas=therapeutic_areas(),
                           country_name=country_name,
                           can_manage=tool().can("manage_sites"))


@bp.get("/sites/new")
@requires_permission("manage_sites")
def new_site():
    return render_template("site_select/site_form.html", form={}, areas=therapeutic_areas())


@bp.post("/sites")
@requires_permission("manage_sites")
def create_site_page():
    try:
        site = site_master.create_site(request.form)
        commit()
    except SiteSelectError as exc:
        return refuse(exc, "site_select/site_form.html", form=request.form, areas=therapeutic_areas())
    flash(f"Added {site.name}.", "success")
    return redirect(url_for("site_select.site_page", site_id=site.id))


@bp.get("/sites/<int:site_id>")
@requires_permission("view")
def site_page(site_id: int):
    profile = site_profile(found(site_master.get_site(site_id)))
    return render_template("site_select/site.html", profile=profile, site=profile.site,
                           country_name=country_name, charts=_profile_charts(profile),
                           can_manage=tool().can("manage_sites"))


def _profile_charts(profile) -> list:
    """(caption, SVG) of each chart of the profile: one point per trial, over time."""
    points = profile.points
    series = [("Enrollment per month active", [(p.when, p.enrollment_rate) for p in points], "/mo"),
              ("Screen-failure rate", [(p.when, p.screen_failure) for p in points], "%"),
              ("Start-up days (selection to activation)", [(p.when, p.startup_days) for p in points], " d")]
    return [(title, charts.time_chart(values, title, unit)) for title, values, unit in series]


@bp.get("/sites/<int:site_id>/history/new")
@requires_permission("manage_sites")
def new_history(site_id: int):
    return render_template("site_select/history_form.html", site=found(site_master.get_site(site_id)), form={},
                           phases=PHASES, areas=therapeutic_areas())


@bp.post("/sites/<int:site_id>/history")
@requires_permission("manage_sites")
def add_history(site_id: int):
    site = found(site_master.get_site(site_id))
    try:
        row = add_manual_history(site, request.form)
        commit()
    except SiteSelectError as exc:
        return refuse(exc, "site_select/history_form.html", site=found(site_master.get_site(site_id)), form=request.form,
                      phases=PHASES, areas=therapeutic_areas())
    flash(f"Recorded trial {row.trial_ref} for {site.name}.", "success")
    return redirect(url_for("site_select.site_page", site_id=site.id))
