"""A binder's sites, who of the owner's own people works on it under which role ("Who works on
it", roles on this binder only), and the organizations it is shared with: the CRO for the whole
binder, each investigator site's organization for its own site (it then files and sees that
site's documents only). The grantee's admins accept on their Sharing page and name who of them
works on it. Only the binder's owner, with ``manage_binder``, changes any of it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from sdk import requires_permission, tool
from sdk.forms import InputProblems
from sdk.sharing import ShareError

from .. import manifest
from ..services import studies as service
from ..services.access import visible_sites
from ..services.errors import EdocsInputError
from . import bp
from .forms import ShareForm, SiteForm, TeamForm
from .lookups import binder_links, commit_or_refuse, study_or_404

NOT_MANAGER = "Changing the binder's sites and sharing needs the 'manage_binder' permission in the organization that owns it."


def _manageable(study_id: int):
    study = study_or_404(study_id)
    if not service.may_manage(study):
        abort(403, NOT_MANAGER)
    return study


def render_sharing(study, *, share_form=None, site_form=None, team_form=None, status: int = 200):
    manager = service.may_manage(study)
    team = tool().sharing.team(study) if manager else []
    if team_form is None:
        team_form = TeamForm(formdata=None, data={"assign": [f"{m.user_id}:{r}" for m in team for r in m.roles]})
    return render_template(
        "edocs/sharing.html", study=study, sites=visible_sites(study), manager=manager, links=binder_links(study),
        grants=tool().sharing.grants_of(study) if manager else [],
        role_labels={role.key: role.label for role in manifest.roles},
        site_labels={site.id: str(site) for site in study.sites},
        share_form=(share_form or ShareForm(formdata=None)).offer_sites(study.sites),
        site_form=site_form or SiteForm(formdata=None), team=team, team_form=team_form,
        ticked=set(team_form.assign.data or ()), roles=manifest.roles), status


@bp.get("/studies/<int:study_id>/sharing")
@requires_permission("view_binder")
def sharing(study_id: int):
    return render_sharing(study_or_404(study_id))


@bp.post("/studies/<int:study_id>/sites")
@requires_permission("manage_binder")
def add_site(study_id: int):
    study = _manageable(study_id)
    form = SiteForm()
    if not form.validate():
        return render_sharing(study, site_form=form, status=422)
    data = {"code": form.code.data or "", "name": form.site_name.data or "", "country": form.country.data or ""}
    outcome = commit_or_refuse(lambda: render_sharing(study, site_form=form)[0], form,
                               lambda: service.add_site(study, data))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Site {outcome.result} added to {study.name}.", "success")
    return redirect(url_for("edocs.sharing", study_id=study.id) + "#sites", 303)


@bp.post("/studies/<int:study_id>/shares")
@requires_permission("manage_binder")
def share(study_id: int):
    study = _manageable(study_id)
    form = ShareForm().offer_sites(study.sites)
    if not form.validate():
        return render_sharing(study, share_form=form, status=422)
    site = next((s for s in study.sites if str(s.id) == form.site.data), None)
    org = (form.org.data or "").strip()
    try:
        if form.site.data and site is None:
            raise EdocsInputError([("site", "Choose one of the binder's sites, or the whole binder.")])
        service.share_study(study, with_org=org, roles=form.roles.data or [], site=site)
    except EdocsInputError as refused:
        tool().db_session().rollback()
        form.absorb(refused)
        return render_sharing(study, share_form=form, status=422)
    tool().db_session().commit()
    flash(f"Invitation sent to {org}; it sees the binder once its admins accept.", "success")
    return redirect(url_for("edocs.sharing", study_id=study.id) + "#sharing", 303)


@bp.post("/studies/<int:study_id>/shares/<int:grant_id>/revoke")
@requires_permission("manage_binder")
def revoke_share(study_id: int, grant_id: int):
    study = _manageable(study_id)
    grant = next((g for g in tool().sharing.grants_of(study) if g.id == grant_id), None)
    if grant is None:
        abort(404)
    tool().sharing.revoke(grant_id)
    tool().db_session().commit()
    flash(f"{grant.grantee_org} no longer sees {study.name}.", "success")
    return redirect(url_for("edocs.sharing", study_id=study.id) + "#sharing", 303)


@bp.post("/studies/<int:study_id>/team")
@requires_permission("manage_binder")
def set_team(study_id: int):
    """The roles each of the owner's members holds on this binder (unticked: taken away)."""
    study = _manageable(study_id)
    form = TeamForm()
    if not form.validate():
        return render_sharing(study, team_form=form, status=422)
    wanted: dict[int, list[str]] = {m.user_id: [] for m in tool().sharing.team(study)}
    problems = InputProblems()
    for value in form.assign.data or []:
        user, _, role = value.partition(":")
        if not user.isdigit() or int(user) not in wanted:
            problems.add("assign", f"'{value}' is not a member's role.")
            continue
        wanted[int(user)].append(role)
    try:
        problems.raise_if_any()
        added, removed = tool().sharing.set_team(study, wanted)
    except (InputProblems, ShareError) as refused:
        tool().db_session().rollback()
        form.absorb(refused if isinstance(refused, InputProblems) else InputProblems([("assign", str(refused))]))
        return render_sharing(study, team_form=form, status=422)
    tool().db_session().commit()
    flash(f"Saved who works on {study.name} ({added} roles given, {removed} taken away).", "success")
    return redirect(url_for("edocs.sharing", study_id=study.id) + "#team", 303)
