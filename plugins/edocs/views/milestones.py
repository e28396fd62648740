"""The milestones page: a binder's milestones by date with the documents each expects and its
due dates; the binder owner's managers set milestones, move them (with a reason, audited) and
add or remove an expected document. Everyone who sees the binder reads it (a site organization:
its own site's milestones)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from sdk import requires_permission, tool

from ..models import Expectation, Milestone, Study
from ..services import milestones as service
from ..services.access import site_by_code, visible_sites
from ..services.studies import may_manage
from . import bp
from .completeness import owner_names
from .lookups import binder_links, commit_or_refuse, study_or_404
from .milestone_forms import ActionForm, ExpectationForm, MilestoneForm, MoveForm, with_ids


def _visible(model, record_id: int):
    record = tool().db_session().get(model, record_id)
    if record is None or not tool().can("view_binder", record):
        abort(404)
    return record


def _managed(study: Study) -> Study:
    if not may_manage(study):
        abort(403, service.NOT_MANAGER)
    return study


def render_milestones(study: Study, *, add_form=None, move_forms=None, expect_forms=None, status=200):
    managing = may_manage(study)
    members = tool().sharing.team(study) if managing else []
    add_form = add_form or MilestoneForm(formdata=None)
    add_form.offer(visible_sites(study), members)
    rows = []
    for milestone in service.milestones_of(study):
        move_form = (move_forms or {}).get(milestone.id) or with_ids(MoveForm(formdata=None, due_on=milestone.due_on),
                                                                              f"move{milestone.id}")
        expect_form = (expect_forms or {}).get(milestone.id) or with_ids(ExpectationForm(formdata=None),
                                                                                         f"expect{milestone.id}")
        expect_form.offer(members)
        rows.append({"milestone": milestone, "expectations": service.expectations_of(milestone),
                     "move_form": move_form, "expect_form": expect_form})
    return render_template("edocs/milestones.html", study=study, rows=rows, add_form=add_form, may_manage=managing,
                           owners=owner_names(study), due_on=service.due_on, action_form=ActionForm(),
                           links=binder_links(study)), status


@bp.get("/studies/<int:study_id>/milestones")
@requires_permission("view_binder")
def milestones(study_id: int):
    return render_milestones(study_or_404(study_id))


@bp.post("/studies/<int:study_id>/milestones")
@requires_permission("manage_binder")
def add_milestone(study_id: int):
    study = _managed(study_or_404(study_id))
    form = MilestoneForm()
    render = lambda: render_milestones(study, add_form=form, status=422)[0]  # noqa: E731
    if not form.validate_on_submit():
        return render(), 422
    code = form.site.data or ""
    site = site_by_code(study, code) if code else None
    outcome = commit_or_refuse(render, form, lambda: service.add_milestone(
        study, form.kind.data, form.due_on.data, site=site, owner_id=form.owner.data or None,
        site_missing=bool(code) and site is None))
    if outcome.refusal:
        return outcome.refusal
    flash(f"{outcome.result.name} is set for {outcome.result.due_on.isoformat()}.", "success")
    return redirect(url_for(".milestones", study_id=study.id, _anchor=f"milestone-{outcome.result.id}"))


@bp.post("/milestones/<int:milestone_id>/move")
@requires_permission("manage_binder")
def move_milestone(milestone_id: int):
    milestone = _visible(Milestone, milestone_id)
    study = _managed(study_or_404(milestone.study_id))
    form = with_ids(MoveForm(), f"move{milestone.id}")
    render = lambda: render_milestones(study, move_forms={milestone.id: form}, status=422)[0]  # noqa: E731
    if not form.validate_on_submit():
        return render(), 422
    outcome = commit_or_refuse(render, form, lambda: service.move_milestone(milestone, form.due_on.data,
                                                                            form.reason.data))
    if outcome.refusal:
        return outcome.refusal
    flash(f"{milestone.name} moved to {milestone.due_on.isoformat()}.", "success")
    return redirect(url_for(".milestones", study_id=study.id, _anchor=f"milestone-{milestone.id}"))


@bp.post("/milestones/<int:milestone_id>/expectations")
@requires_permission("manage_binder")
def add_expectation(milestone_id: int):
    milestone = _visible(Milestone, milestone_id)
    study = _managed(study_or_404(milestone.study_id))
    form = with_ids(ExpectationForm(), f"expect{milestone.id}")
    render = lambda: render_milestones(study, expect_forms={milestone.id: form}, status=422)[0]  # noqa: E731
    if not form.validate_on_submit():
        return render(), 422
    outcome = commit_or_refuse(render, form, lambda: service.add_expectation(
        milestone, (form.artifact.data or "").strip(), due_offset_days=form.due_offset_days.data,
        owner_id=form.owner.data or None))
    if outcome.refusal:
        return outcome.refusal
    flash(f"{milestone.name} now expects {outcome.result.artifact}.", "success")
    return redirect(url_for(".milestones", study_id=study.id, _anchor=f"milestone-{milestone.id}"))


@bp.post("/expectations/<int:expectation_id>/remove")
@requires_permission("manage_binder")
def remove_expectation(expectation_id: int):
    expectation = _visible(Expectation, expectation_id)
    study = _managed(study_or_404(expectation.study_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    milestone_id, label = expectation.milestone_id, str(expectation.artifact)
    outcome = commit_or_refuse(lambda: "", ActionForm(), lambda: service.remove_expectation(expectation))
    if outcome.refusal:
        abort(outcome.refusal[1])
    flash(f"{label} is no longer expected.", "success")
    return redirect(url_for(".milestones", study_id=study.id, _anchor=f"milestone-{milestone_id}"))
