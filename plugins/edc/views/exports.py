"""The study's exports page (ODM Snapshot, ODM Transactional, a CSV per form) and the clinical
data import (an ODM upload that runs as a background job, followed on the host's job page).

Exports need ``export`` on the study and hold the reader's visible subjects only; importing
needs ``import_data`` and owning the study (the import writes the owner's rows in bulk)."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template
from wtforms import BooleanField, FileField, SelectField
from wtforms.fields.choices import SelectChoice

from sdk import requires_permission, tool, upload_limit
from sdk.csv_export import attachment_filename, csv_response
from sdk.forms import ToolForm

from ..services import exports as service
from ..services.definitions import definition
from ..services.errors import EdcInputError, NotAllowed
from ..services.exports_csv import form_csv
from ..services.import_job import start_import
from . import bp
from .lookups import study_or_404

IMPORT_LIMIT = 200 * 1024 * 1024


class ImportForm(ToolForm):
    file = FileField("ODM file")
    site_id = SelectField("Site for subjects the file gives no site", choices=[SelectChoice("", "The study's only site")],
                          default="", description="Needed when the study has several sites")
    create_sites = BooleanField("Create the sites the file names that the study lacks")

    def offer_sites(self, sites) -> "ImportForm":
        self.site_id.choices = [SelectChoice("", "The study's only site")] + [
            SelectChoice(str(site.id), f"{site.code} {site.name}") for site in sites]
        return self


def _exportable(study_id: int):
    study = study_or_404(study_id)
    if not tool().can("export", study):
        abort(403, "Exporting needs the 'export' permission on the study.")
    return study


def _forms(study) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for row in service.version_rows(study):
        for form in definition(row).forms:
            found.setdefault(form.oid, form.name)
    return list(found.items())


@bp.get("/studies/<int:study_id>/exports")
@requires_permission("view_study")
def exports(study_id: int):
    study = study_or_404(study_id)
    may_import = study.org_id == tool().current_org().id and tool().can("import_data", study)
    return render_template("edc/exports.html", study=study, forms=_forms(study),
                           may_export=tool().can("export", study), may_import=may_import)


@bp.get("/studies/<int:study_id>/exports/<kind>.xml")
@requires_permission("export")
def export_odm(study_id: int, kind: str):
    study = _exportable(study_id)
    if kind not in ("snapshot", "transactional"):
        abort(404)
    try:
        data = service.odm_snapshot(study) if kind == "snapshot" else service.odm_transactional(study)
    except NotAllowed as exc:
        abort(403, str(exc))
    name = attachment_filename(f"{study.oid}-{kind}", "xml")
    return Response(data, mimetype="application/xml", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/studies/<int:study_id>/exports/forms/<form_oid>.csv")
@requires_permission("export")
def export_csv(study_id: int, form_oid: str):
    study = _exportable(study_id)
    try:
        header, rows = form_csv(study, form_oid)
    except EdcInputError:
        abort(404)
    return csv_response(header, rows, f"{study.oid}-{form_oid}")


@bp.route("/studies/<int:study_id>/imports", methods=["GET", "POST"])
@requires_permission("import_data")
@upload_limit(IMPORT_LIMIT + 64 * 1024)
def import_data(study_id: int):
    study = study_or_404(study_id)
    if study.org_id != tool().current_org().id or not tool().can("import_data", study):
        abort(403, "Only the study's owner imports clinical data into it, with the 'import_data' permission.")
    form = ImportForm().offer_sites(study.sites)

    def render():
        return render_template("edc/import_data.html", study=study, form=form)

    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(), 422
    upload = form.file.data
    try:
        job = start_import(study, upload if upload and getattr(upload, "filename", "") else None,
                           filename=getattr(upload, "filename", "") or "", create_sites=form.create_sites.data,
                           default_site_id=int(form.site_id.data) if form.site_id.data else None)
    except EdcInputError as problems:
        tool().db_session().rollback()
        form.absorb(problems)
        return render(), 422
    tool().db_session().commit()      # queues the job
    return redirect(job.url)
