"""Sharing a study with other organizations, on the study's team page: the CRO for the whole
study (blinded monitors, or an unblinded team), each investigator site's organization for its own
site (site staff and investigators, who randomize and dispense there). The grantee's admins
accept on their Sharing page and name who of them works on it; arms stay hidden from them
unless a role of the grant shows arms and they name someone to it."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for

from sdk import requires_permission, tool
from sdk.forms import InputProblems

from ..services import studies as service
from ..services.access import owns
from . import bp
from .team import render_team, team_study
from .team_forms import SITE_ROLES, ShareForm


def _may_share(study) -> bool:
    return owns(study) and tool().can("manage_study", study)


@bp.post("/studies/<int:study_id>/shares")
@requires_permission("manage_study")
def share(study_id: int):
    study = team_study(study_id)
    if not _may_share(study):
        abort(403, "Sharing the study needs the 'manage_study' permission.")
    form = ShareForm().offer_sites(study.sites)
    if not form.validate():
        return render_team(study, share_form=form, status=422)
    site = next((s for s in study.sites if str(s.id) == form.site.data), None)
    problems = InputProblems()
    if form.site.data and site is None:
        problems.add("site", "Choose one of the study's sites, or the whole study.")
    if site is not None and any(role not in SITE_ROLES for role in form.roles.data or []):
        problems.add("roles", "A site organization works as site staff or investigator, at its own site.")
    try:
        problems.raise_if_any()
        service.share_study(study, with_org=(form.org.data or "").strip(), roles=form.roles.data or [], site=site)
    except InputProblems as refused:
        tool().db_session().rollback()
        form.absorb(refused)
        return render_team(study, share_form=form, status=422)
    tool().db_session().commit()
    flash(f"Invitation sent to {form.org.data.strip()}; it works on the study once its admins accept.", "success")
    return redirect(url_for("rtsm.team", study_id=study.id) + "#sharing")


@bp.post("/studies/<int:study_id>/shares/<int:grant_id>/revoke")
@requires_permission("manage_study")
def revoke_share(study_id: int, grant_id: int):
    study = team_study(study_id)
    if not _may_share(study):
        abort(403, "Revoking a share needs the 'manage_study' permission.")
    grant = next((g for g in tool().sharing.grants_of(study) if g.id == grant_id), None)
    if grant is None:
        abort(404)
    tool().sharing.revoke(grant_id)
    tool().db_session().commit()
    flash(f"{grant.grantee_org} no longer has access to {study.name}.", "success")
    return redirect(url_for("rtsm.team", study_id=study.id) + "#sharing")
