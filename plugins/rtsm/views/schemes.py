"""The study's randomization scheme: its versions, a new version, and the simulation preview
(the imbalance over N simulated subjects, drawn with the kit's charts) -- for people who set the
study up (``manage_study``).

A new version is made by the study's owner only; randomizations already made keep the version
they were made under. Block sizes and list fingerprints are shown to the unblinded only."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.forms import InputProblems
from sdk.tables import Column, table_page

from ..models import SCHEME_TYPES, Scheme, Study
from ..services import schemes as service
from ..services.access import owns, unblinded
from ..services.errors import RtsmInputError
from . import bp
from .lookups import NOT_MANAGER, commit_or_refuse, manageable_or_403, study_or_404
from .scheme_forms import (
    SCHEME_FIELDS,
    SchemeVersionForm,
    SimulationForm,
    absorb_mapped,
    scheme_input,
    with_form_problems,
)
from .simulation_charts import simulation_charts

VERSION_COLUMNS = (
    Column("version", "Version", Scheme.version, numeric=True, width="6rem"),
    Column("type", "Scheme", Scheme.type),
    Column("created", "Made", Scheme.created_at, width="12rem"),
    Column("randomized", "Subjects", Scheme.randomized, numeric=True, width="6rem"),
    Column("details", "Settings"),
)


def _prefilled(study: Study) -> SchemeVersionForm:
    """A new-version form holding the scheme in use (block sizes only for the unblinded)."""
    form = SchemeVersionForm(formdata=None)
    scheme = service.current(study)
    if scheme is None:
        return form
    config = service.config_of(scheme)
    form.scheme_type.data = config.type
    if unblinded(study):
        form.block_sizes.data = ", ".join(str(size) for size in config.block_sizes)
    form.strata.data = ", ".join(config.strata)
    form.factors.data = "\n".join(f"{name}: {', '.join(levels)}" for name, levels in config.factors.items())
    if config.type == "minimization":
        form.weights.data = "\n".join(f"{name}: {weight:g}" for name, weight in config.weights.items())
        form.p.data = f"{config.p:g}"
    return form


def _simulation(study: Study):
    """The preview asked for in the query string: (form, charts, result)."""
    form = SimulationForm(request.args)
    if "subjects" not in request.args:
        form = SimulationForm(formdata=None)
        return form, [], None
    if not form.validate():
        return form, [], None
    try:
        result = service.simulate(study, form.subjects.data, form.trials.data)
    except RtsmInputError as refusal:
        form.absorb(refusal)
        return form, [], None
    names = {arm.code: arm.name for arm in study.arms}
    return form, simulation_charts(result, names), result


def render_scheme(study: Study, *, version_form: SchemeVersionForm | None = None, simulation=None):
    page = table_page(tool().db_session(), select(Scheme).where(Scheme.study_id == study.id), VERSION_COLUMNS,
                      default_sort="-version", tiebreak=Scheme.id)
    simulation_form, charts, result = simulation or (SimulationForm(formdata=None), [], None)
    return render_template(
        "rtsm/scheme.html", study=study, page=page, scheme_types=SCHEME_TYPES, configs={
            scheme.id: service.config_of(scheme) for scheme in page.items},
        unblinded=unblinded(study), owner=owns(study), version_form=version_form or _prefilled(study),
        simulation_form=simulation_form, charts=charts, result=result)


@bp.get("/studies/<int:study_id>/scheme")
@requires_permission("manage_study")
def scheme(study_id: int):
    study = study_or_404(study_id)
    if not tool().can("manage_study", study):
        abort(403, NOT_MANAGER)
    simulation = _simulation(study)
    refused = bool(simulation[0].all_errors())
    return render_scheme(study, simulation=simulation), 422 if refused else 200


@bp.post("/studies/<int:study_id>/scheme/versions")
@requires_permission("manage_study")
def new_version(study_id: int):
    study = manageable_or_403(study_id)
    form = SchemeVersionForm()

    def render():
        return render_scheme(study, version_form=form)

    if not form.validate():
        return render(), 422
    problems = InputProblems()
    data = scheme_input(form, problems)
    outcome = commit_or_refuse(render, form, with_form_problems(lambda: service.new_version(study, data), problems),
                               on_problems=lambda found: absorb_mapped(form, found, SCHEME_FIELDS))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Scheme version {outcome.result.version} is now in use; subjects randomized before keep theirs.",
          "success")
    return redirect(url_for(".scheme", study_id=study.id))
