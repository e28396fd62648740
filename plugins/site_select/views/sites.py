"""Pages of the site master: the directory, a site's profile, adding a site and its history."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from sdk import requires_permission, tool
from sdk.tables import Column, list_page, table_page

from .. import charts
from ..domain import country_name, therapeutic_areas
from ..forms import DirectoryFilters, HistoryForm, SiteForm
from ..models import Site
from ..services import SiteSelectError
from ..services import sites as site_master
from ..services.demo import STARTER_SITES
from ..services.history import add_manual_history
from ..services.profile import site_profile
from . import bp
from .common import INVALID, commit, found


@bp.get("/")
@requires_permission("view")
def directory():
    filters = site_master.SiteFilters.from_args(request.args)
    facets = site_master.facets()
    form = DirectoryFilters(facets, formdata=None, data={
        "q": filters.search, "country": filters.country, "area": filters.area, "network": filters.network})
    page = table_page(tool().db_session(), site_master.directory_query(filters), DIRECTORY_COLUMNS,
                      default_sort="name", tiebreak=Site.id)
    return render_template("site_select/directory.html", page=page, trials=site_master.trial_counts(
                               s.id for s in page.items), filters=filters, form=form,
                           can_manage=tool().can("manage_sites"), can_import=tool().can("import"),
                           sample_sites=STARTER_SITES)


DIRECTORY_COLUMNS = (
    Column("name", "Site", Site.name), Column("country", "Country", Site.country, width="7rem"),
    Column("city", "City", Site.city, width="10rem"), Column("areas", "Therapeutic areas"),
    Column("network", "Network", Site.network, width="11rem"), Column("trials", "Trials", numeric=True, width="6rem"))


@bp.get("/sites/new")
@requires_permission("manage_sites")
def new_site():
    return render_template("site_select/site_form.html", form=SiteForm(), areas=therapeutic_areas())


@bp.post("/sites")
@requires_permission("manage_sites")
def create_site_page():
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = site_master.create_site(form.data)
            commit()
            flash(f"Added {site.name}.", "success")
            return redirect(url_for("site_select.site_page", site_id=site.id))
        except SiteSelectError as exc:
            tool().db_session().rollback()
            form.absorb(exc)
    return render_template("site_select/site_form.html", form=form, areas=therapeutic_areas()), INVALID


@bp.get("/sites/<int:site_id>")
@requires_permission("view")
def site_page(site_id: int):
    profile = site_profile(found(site_master.get_site(site_id)))
    trials = list_page(profile.history, HISTORY_COLUMNS, default_sort="-startup")
    return render_template("site_select/site.html", profile=profile, site=profile.site, trials=trials,
                           country_name=country_name, charts=charts.profile_charts(profile.points),
                           can_manage=tool().can("manage_sites"))


def _day(value: date | None) -> date:
    return value or date.min


def _count(value) -> float:
    return -1 if value is None else value


#: The profile's trials: widths that fit a 1280-pixel window; below 48rem the table scrolls in its frame.
HISTORY_COLUMNS = (
    Column("trial", "Trial", lambda h: h.trial_ref.lower()),
    Column("startup", "Start-up", lambda h: _day(h.selected_on or h.activated_on or h.started_on), width="9.5rem"),
    Column("enrolling", "Enrolling", lambda h: _day(h.first_subject_in), width="9.5rem"),
    Column("subjects", "Subjects", lambda h: _count(h.enrolled), width="9rem"),
    Column("quality", "Data quality", lambda h: _count(h.queries_per_100), width="10rem"))


@bp.get("/sites/<int:site_id>/history/new")
@requires_permission("manage_sites")
def new_history(site_id: int):
    return render_template("site_select/history_form.html", site=found(site_master.get_site(site_id)),
                           form=HistoryForm(formdata=None))


@bp.post("/sites/<int:site_id>/history")
@requires_permission("manage_sites")
def add_history(site_id: int):
    site = found(site_master.get_site(site_id))
    form = HistoryForm()
    if form.validate_on_submit():
        try:
            row = add_manual_history(site, form.data)
            commit()
            flash(f"Recorded trial {row.trial_ref} for {site.name}.", "success")
            return redirect(url_for("site_select.site_page", site_id=site.id))
        except SiteSelectError as exc:
            tool().db_session().rollback()
            form.absorb(exc)
    return render_template("site_select/history_form.html", site=found(site_master.get_site(site_id)),
                           form=form), INVALID
