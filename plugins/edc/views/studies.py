"""The study build's pages: the studies list, a new study, and the study's hub (its versions,
sites, who it is shared with, and its history), with adding a site and sharing.

Reading needs ``view_study`` on the study (its owner's members, and every organization it is
shared with). Changing its build needs ``manage_study`` on it *and* owning it: a grantee (even a
CRO's data manager) works on the study, it never rebuilds, publishes or re-shares it.
Definitions (import, publish, downloads, the browser) are in ``study_versions``."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from sdk import requires_permission, tool
from sdk.tables import Column, table_page

from ..models import STUDY, STUDY_STATES, Study
from ..services import studies as service
from ..services.errors import EdcInputError
from . import bp
from .lookups import buildable_or_403, commit_or_refuse, study_or_404
from .study_forms import ROLE_LABELS, ShareForm, SiteForm, StudyForm

STUDY_COLUMNS = (
    Column("name", "Study", Study.name),
    Column("oid", "OID", Study.oid, width="9rem"),
    Column("protocol", "Protocol", Study.protocol_name, width="9rem"),
    Column("state", "State", Study.state, width="6rem"),
    Column("owner", "Owner", width="12rem"),
)
#: Other areas' pages the hub links to when their views exist and the person may use them:
#: (label, endpoint, permission on the study)
SECTIONS = (("Subjects", "edc.subjects", "view_study"), ("Queries", "edc.queries", "view_study"),
            ("Data quality", "edc.quality", "manage_queries"), ("Review and lock", "edc.review_page", "view_study"),
            ("Exports", "edc.exports", "view_study"), ("Import data", "edc.import_data", "import_data"))


def _section_links(study: Study) -> list[tuple[str, str]]:
    """The other areas' pages for this study: only those whose views exist and that the person
    may open."""
    links = []
    for label, endpoint, permission in SECTIONS:
        if endpoint in current_app.view_functions and tool().can(permission, study):
            try:
                links.append((label, url_for(endpoint, study_id=study.id)))
            except BuildError:
                continue
    return links


def _owners_by_study() -> dict[int, str]:
    return {grant.record_id: grant.owner_org for grant in tool().sharing.received() if grant.record_type == STUDY}


@bp.get("/")
@requires_permission("view_study")
def studies():
    page = table_page(tool().db_session(), select(Study), STUDY_COLUMNS, default_sort="name", tiebreak=Study.id)
    return render_template("edc/studies.html", page=page, owners=_owners_by_study(), states=STUDY_STATES,
                           own_org=tool().current_org().id, can_create=_may_create())


def _may_create() -> bool:
    """Whether to offer "New study": not to an organization that uses edc only through a grant
    (its own studies need its own license; the host would refuse them with 402)."""
    return tool().can("manage_study") and g.get("tool_access") != "shared"


@bp.route("/studies/new", methods=["GET", "POST"])
@requires_permission("manage_study")
def new_study():
    form = StudyForm()
    if not form.is_submitted():
        return render_template("edc/study_new.html", form=form)
    if form.validate():
        try:
            study = service.create_study(form.data)
            tool().db_session().commit()
            flash(f"Study {study.name} created. Import its definition next.", "success")
            return redirect(url_for(".study", study_id=study.id))
        except EdcInputError as problems:
            tool().db_session().rollback()
            form.absorb(problems)
    return render_template("edc/study_new.html", form=form), 422


def render_study(study: Study, *, site_form: SiteForm | None = None, share_form: ShareForm | None = None):
    builder = service.may_build(study)
    sites = list(study.sites)
    versions = service.versions(study)
    return render_template(
        "edc/study.html", study=study, states=STUDY_STATES, versions=versions, sites=sites,
        builder=builder, owner=service.owns(study), sections=_section_links(study),
        draft=next((v for v in versions if not v.is_published), None),
        published=service.published_version(study),
        grants=tool().sharing.grants_of(study) if builder else [], role_labels=ROLE_LABELS,
        site_labels={site.id: str(site) for site in sites},
        site_form=site_form or SiteForm(formdata=None),
        share_form=(share_form or ShareForm(formdata=None)).offer_sites(sites))


@bp.get("/studies/<int:study_id>")
@requires_permission("view_study")
def study(study_id: int):
    return render_study(study_or_404(study_id))


@bp.post("/studies/<int:study_id>/sites")
@requires_permission("manage_study")
def add_site(study_id: int):
    study = buildable_or_403(study_id)
    form = SiteForm()
    if not form.validate():
        return render_study(study, site_form=form), 422
    refused = commit_or_refuse(lambda: render_study(study, site_form=form), form,
                               lambda: service.add_site(study, form.data))
    if refused is None:
        flash(f"Site {form.code.data.strip()} added.", "success")
        return redirect(url_for(".study", study_id=study.id) + "#sites")
    return refused


@bp.post("/studies/<int:study_id>/shares")
@requires_permission("manage_study")
def share(study_id: int):
    study = buildable_or_403(study_id)
    form = ShareForm().offer_sites(study.sites)
    if not form.validate():
        return render_study(study, share_form=form), 422
    site = service.site_of(study, int(form.site.data)) if form.site.data else None
    refused = commit_or_refuse(lambda: render_study(study, share_form=form), form, lambda: service.share_study(
        study, with_org=form.org.data.strip(), roles=form.roles.data or [], site=site))
    if refused is None:
        flash(f"Invitation sent to {form.org.data.strip()}; it works on the study once its admins accept.",
              "success")
        return redirect(url_for(".study", study_id=study.id) + "#sharing")
    return refused


@bp.post("/studies/<int:study_id>/shares/<int:grant_id>/revoke")
@requires_permission("manage_study")
def revoke_share(study_id: int, grant_id: int):
    study = buildable_or_403(study_id)
    grant = service.revoke_share(study, grant_id)
    if grant is None:
        abort(404)
    tool().db_session().commit()
    flash(f"{grant.grantee_org} no longer has access to {study.name}.", "success")
    return redirect(url_for(".study", study_id=study.id) + "#sharing")

