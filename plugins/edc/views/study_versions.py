"""A study's metadata versions: importing a definition file (refused whole, every problem named,
when anything is wrong), publishing a draft, downloading a version as ODM or as a REDCap data
dictionary, and the definition browser (events -> forms -> item groups -> items)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, request, url_for

from sdk import requires_permission, tool, upload_limit
from sdk.files import FileRefused

from ..domain.metadata import FormDef, ItemGroupDef, MetaDataVersion
from ..models import MetadataVersion, Study
from ..services import studies as service
from ..services.definitions import definition
from ..services.errors import EdcInputError
from ..services.layout import ItemSlot, slots
from ..services.studies import DEFINITION_LIMIT, DEFINITION_TYPES
from . import bp
from .lookups import buildable_or_403, study_or_404
from .study_forms import DefinitionForm

COMPARATOR_SIGNS = {"LT": "<", "LE": "≤", "GT": ">", "GE": "≥", "EQ": "=", "NE": "≠", "IN": "one of",
                    "NOTIN": "none of"}


def version_or_404(study: Study, number: int) -> MetadataVersion:
    version = service.version_numbered(study, number)
    if version is None:
        abort(404)
    return version


def read_upload(upload) -> bytes:
    """The upload's bytes, checked by the storage service (UTF-8 text, within the limit)."""
    if upload is None or not getattr(upload, "filename", ""):
        raise EdcInputError([("file", "Choose the definition file to import.")])
    try:
        stored = tool().storage.save(upload, allowed_types=DEFINITION_TYPES, max_bytes=DEFINITION_LIMIT)
    except FileRefused as exc:
        raise EdcInputError([("file", str(exc))]) from None
    return tool().storage.get(stored.key)


@bp.route("/studies/<int:study_id>/definitions/new", methods=["GET", "POST"])
@requires_permission("manage_study")
@upload_limit(DEFINITION_LIMIT + 64 * 1024)
def import_definition(study_id: int):
    study = buildable_or_403(study_id)
    form = DefinitionForm()
    draft = service.draft_version(study)

    def render():
        return render_template("edc/version_import.html", study=study, form=form, draft=draft)

    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(), 422
    try:
        version = service.import_definition(study, read_upload(form.file.data), form.format.data,
                                            name=(form.name.data or "").strip())
        tool().db_session().commit()
    except EdcInputError as problems:
        tool().db_session().rollback()
        form.absorb(problems)
        return render(), 422
    flash(f"{version.name} imported as a draft. Check it in the browser, then publish it.", "success")
    return redirect(url_for(".study", study_id=study.id) + "#versions")


@bp.route("/studies/<int:study_id>/versions/<int:number>/publish", methods=["GET", "POST"])
@requires_permission("manage_study")
def publish_version(study_id: int, number: int):
    """GET asks for confirmation (publishing cannot be undone); POST publishes."""
    study = buildable_or_403(study_id)
    version = version_or_404(study, number)
    if version.is_published:
        flash(f"{version.name} is published already.", "warning")
        return redirect(url_for(".study", study_id=study.id) + "#versions")
    if request.method == "GET":
        return render_template("edc/version_publish.html", study=study, version=version,
                               current=service.published_version(study), outline=_counts(definition(version)))
    service.publish(version)
    tool().db_session().commit()
    flash(f"{version.name} is published: new forms are entered under it.", "success")
    return redirect(url_for(".study", study_id=study.id) + "#versions")


@bp.get("/studies/<int:study_id>/versions/<int:number>/odm.xml")
@requires_permission("view_study")
def version_odm(study_id: int, number: int):
    study = study_or_404(study_id)
    version = version_or_404(study, number)
    return Response(version.odm, mimetype="application/xml", headers=_attachment(f"{study.oid}-v{number}.xml"))


@bp.get("/studies/<int:study_id>/versions/<int:number>/dictionary.csv")
@requires_permission("view_study")
def version_dictionary(study_id: int, number: int):
    study = study_or_404(study_id)
    version = version_or_404(study, number)
    return Response(service.dictionary_text(version), mimetype="text/csv",
                    headers=_attachment(f"{study.oid}-v{number}-dictionary.csv"))


@bp.get("/studies/<int:study_id>/versions/<int:number>")
@requires_permission("view_study")
def definition_browser(study_id: int, number: int):
    study = study_or_404(study_id)
    version = version_or_404(study, number)
    mdv = definition(version)
    return render_template("edc/definition.html", study=study, version=version, mdv=mdv,
                           events=_events(mdv), loose_forms=_forms_in_no_event(mdv), counts=_counts(mdv),
                           builder=service.may_build(study), describe_checks=describe_checks, units_of=units_of)


def _attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"}


def _ordered(refs):
    return sorted(refs, key=lambda ref: (ref.order is None, ref.order or 0))


@dataclass(frozen=True)
class FormOutline:
    """A form as the browser lists it: its item groups in order, each with its item slots."""

    form: FormDef
    mandatory: bool
    groups: list[tuple[ItemGroupDef, list[ItemSlot]]]

    @property
    def items(self) -> int:
        return sum(len(group_slots) for _, group_slots in self.groups)


def _outline(mdv: MetaDataVersion, form: FormDef, mandatory: bool) -> FormOutline:
    groups: list[tuple[ItemGroupDef, list[ItemSlot]]] = []
    for slot in slots(mdv, form):
        if not groups or groups[-1][0].oid != slot.group.oid:
            groups.append((slot.group, []))
        groups[-1][1].append(slot)
    return FormOutline(form, mandatory, groups)


def _events(mdv: MetaDataVersion) -> list[tuple]:
    """(event, [FormOutline]) in the protocol's order, then the events it leaves out."""
    order = [ref.study_event_oid for ref in _ordered(mdv.protocol)]
    order += [event.oid for event in mdv.events if event.oid not in order]
    found = []
    for oid in order:
        event = mdv.event(oid)
        if event is None:
            continue
        forms = [(mdv.form(ref.form_oid), ref.mandatory) for ref in _ordered(event.form_refs)]
        found.append((event, [_outline(mdv, form, mandatory) for form, mandatory in forms if form]))
    return found


def _forms_in_no_event(mdv: MetaDataVersion) -> list[tuple]:
    used = {ref.form_oid for event in mdv.events for ref in event.form_refs}
    return [_outline(mdv, form, False) for form in mdv.forms if form.oid not in used]


def _counts(mdv: MetaDataVersion) -> dict:
    """What the version holds, as "3 forms" (label by count)."""
    counted = ((len(mdv.events), "event", "events"), (len(mdv.forms), "form", "forms"),
               (len(mdv.items), "item", "items"), (len(mdv.codelists), "code list", "code lists"),
               (len(mdv.conditions), "branching condition", "branching conditions"),
               (len(mdv.methods), "calculation", "calculations"))
    return {one if count == 1 else many: count for count, one, many in counted}


def describe_checks(item) -> list[str]:
    """The item's range checks as a data manager reads them: "≥ 30 (hard)"."""
    described = []
    for check in item.range_checks:
        sign = COMPARATOR_SIGNS.get(check.comparator, check.comparator)
        text = f"{sign} {', '.join(check.values)} ({check.soft_hard.lower()})"
        if check.message.text:
            text += f": {check.message.text}"
        described.append(text)
    if item.pattern:
        described.append(f"matches {item.pattern}")
    return described


def units_of(mdv: MetaDataVersion, item) -> str:
    units = [mdv.unit(oid) for oid in item.unit_oids]
    return ", ".join((unit.symbol.text or unit.name) for unit in units if unit)
