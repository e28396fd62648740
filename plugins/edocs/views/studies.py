"""The binders list, opening a binder, and the binder page: the TMF Reference Model tree with the
documents the person sees counted per zone, section and artifact."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from sdk import requires_permission, tool
from sdk.tables import Column, list_page

from ..models import Document
from ..services import studies as service
from ..services.access import may_at, owns, sees_whole_study, visible_sites
from . import bp
from .forms import StudyForm, site_entries
from .lookups import binder_links, commit_or_refuse, study_or_404
from .tree import BUCKET_LABELS, binder_tree, status_totals

STUDY_COLUMNS = (
    Column("name", "Binder", lambda row: row["study"].name.lower()),
    Column("protocol", "Protocol", lambda row: row["study"].protocol.lower(), width="9rem"),
    Column("documents", "Documents", lambda row: row["documents"], numeric=True, width="8rem"),
    Column("status", "Status", lambda row: row["study"].status, width="7rem"),
)


def _may_create() -> bool:
    """Whether to offer "Open a binder": not to an organization that uses edocs only through a grant."""
    return tool().can("manage_binder") and g.get("tool_access") != "shared"


@bp.get("/")
@requires_permission("view_binder")
def studies():
    found = service.studies_in_reach()
    counts = dict(tool().db_session().execute(
        select(Document.study_id, func.count()).group_by(Document.study_id)).all())
    rows = [{"study": study, "documents": counts.get(study.id, 0)} for study in found]
    page = list_page(rows, STUDY_COLUMNS, default_sort="name")
    return render_template("edocs/studies.html", page=page, can_create=_may_create(),
                           own_org=tool().current_org().id)


@bp.route("/studies/new", methods=["GET", "POST"])
@requires_permission("manage_binder")
def new_study():
    form = StudyForm()

    def render():
        return render_template("edocs/study_new.html", form=form)

    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(), 422
    data = {"name": form.name.data or "", "protocol": form.protocol.data or "", "sites": site_entries(form.sites.data)}
    outcome = commit_or_refuse(render, form, lambda: service.create_study(data))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Binder {outcome.result.name} opened with every artifact of the TMF Reference Model.", "success")
    return redirect(url_for("edocs.binder", study_id=outcome.result.id))


@bp.get("/studies/<int:study_id>")
@requires_permission("view_binder")
def binder(study_id: int):
    study = study_or_404(study_id)
    sites = visible_sites(study)
    site = next((s for s in sites if s.code == request.args.get("site")), None)
    bucket = request.args.get("status") if request.args.get("status") in BUCKET_LABELS else None
    tree = binder_tree(study, site_id=site.id if site else None, bucket=bucket,
                       artifacts=service.artifacts_of(study))
    may_file = any(may_at("file_documents", study, s) for s in [None, *sites])
    return render_template("edocs/binder.html", study=study, tree=tree, totals=status_totals(tree), sites=sites,
                           site=site, bucket=bucket, buckets=BUCKET_LABELS, links=binder_links(study),
                           may_file=may_file and study.status == "active", owner=owns(study),
                           whole_study=sees_whole_study(study), filtered=bool(site or bucket))
