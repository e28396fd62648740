"""Who of the sponsor's own people works on a study under which of rtsm's roles, for that study
only: the unblinded statistician and supply manager, the blinded study team. Blinding is a role
held per study, never an office: an owner or admin sees no arm until named here (or given an
organization-wide role on the Members page).

Only the study's owner chooses its team here, with ``manage_study``; each grantee organization
chooses its own on the Sharing page ("Who works on it")."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from sdk import requires_permission, tool
from sdk.forms import InputProblems
from sdk.sharing import ShareError

from ..services.access import owns, visible_study
from . import bp
from .team_forms import ShareForm, TeamForm


def team_study(study_id: int):
    """The study if the person sees it and it is their organization's own (404 / 403 otherwise)."""
    study = visible_study(study_id)
    if study is None:
        abort(404)
    if not owns(study):
        abort(403, "The study's owner chooses its team; your organization's is chosen on the Sharing page.")
    return study


def render_team(study, form: TeamForm | None = None, share_form=None, status: int = 200):
    """The team page: the organization's own people by role, and the organizations the study is
    shared with; ``form`` / ``share_form`` are refused ones, kept as entered."""
    team = tool().sharing.team(study)
    if form is None:
        form = TeamForm(formdata=None, data={"assign": [f"{m.user_id}:{role}" for m in team for role in m.roles]})
    manifest_roles = _roles()
    can_manage = tool().can("manage_study", study)
    return render_template("rtsm/team.html", study=study, team=team, form=form, roles=manifest_roles,
                           labels={key: label for key, label, _ in manifest_roles},
                           ticked=set(form.assign.data or ()), can_manage=can_manage,
                           grants=tool().sharing.grants_of(study) if can_manage else [],
                           site_labels={site.id: str(site) for site in study.sites},
                           share_form=(share_form or ShareForm(formdata=None)).offer_sites(study.sites)), status


def _roles() -> list[tuple[str, str, bool]]:
    """(key, label, unblinded) of every rtsm role, in the manifest's order."""
    from .. import manifest

    return [(role.key, role.label, "see_arms" in role.permissions) for role in manifest.roles]


@bp.get("/studies/<int:study_id>/team")
@requires_permission("view_study")
def team(study_id: int):
    return render_team(team_study(study_id))


@bp.post("/studies/<int:study_id>/team")
@requires_permission("manage_study")
def set_team(study_id: int):
    study = team_study(study_id)
    if not tool().can("manage_study", study):
        abort(403, "Choosing the study's team needs the 'manage_study' permission.")
    form = TeamForm()
    if not form.validate_on_submit():
        return render_team(study, form, status=400)
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
        return render_team(study, form, status=422)
    tool().db_session().commit()
    flash(f"Saved the team of {study.name} ({added} roles given, {removed} taken away).", "success")
    return redirect(url_for("rtsm.team", study_id=study.id))
