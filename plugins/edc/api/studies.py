"""edc API: studies, their definitions (import, publish, ODM), sites and sharing.

The same services and rights as the pages: reading needs ``view_study`` on the study; changing its
build needs ``manage_study`` and owning it (a grantee answers 403, another organization 404)."""
from __future__ import annotations

import functools
from contextlib import contextmanager

from flask import Response, abort, jsonify, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from sdk import requires_permission, tool, upload_limit
from sdk.api_docs import InvalidInput, problems_of, responds, takes_body
from sdk.files import FileRefused

from ..models import STUDY, MetadataVersion, Study, StudySite
from ..services import access
from ..services import studies as service
from ..services.errors import EdcInputError
from ..services.studies import DEFINITION_LIMIT, DEFINITION_TYPES
from . import api
from . import study_schemas as schemas

NOT_OWNER = "Only the study's owner changes its build; it is shared with your organization to work on."


@contextmanager
def refusals():
    """A service's refusal as the platform's 422 (nothing written)."""
    try:
        yield
    except EdcInputError as problems:
        tool().db_session().rollback()
        raise InvalidInput(problems) from None


def _visible(study_id: int) -> Study:
    study = access.visible_study(study_id)
    if study is None:
        abort(404, "There is no such study.")
    return study


def _buildable(study_id: int) -> Study:
    study = _visible(study_id)
    if not service.may_build(study):
        abort(403, NOT_OWNER if not service.owns(study) else "This needs the 'manage_study' permission.")
    return study


def _owners() -> dict[int, str]:
    return {grant.record_id: grant.owner_org for grant in tool().sharing.received() if grant.record_type == STUDY}


def site_json(site: StudySite) -> dict:
    return {"id": site.id, "code": site.code, "name": site.name, "oid": site.oid}


def version_json(study: Study, version: MetadataVersion) -> dict:
    return {"number": version.number, "oid": version.oid, "name": version.name, "source": version.source,
            "published": version.is_published, "sha256": version.sha256,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "odm_url": url_for(".version_odm", study_id=study.id, number=version.number)}


def study_json(study: Study, owners: dict[int, str] | None = None) -> dict:
    own = service.owns(study)
    published = service.published_version(study)
    return {"id": study.id, "oid": study.oid, "name": study.name, "protocol_name": study.protocol_name,
            "description": study.description, "state": study.state, "own": own,
            "owner": tool().current_org().slug if own else (owners if owners is not None else _owners()).get(
                study.id, ""), "published_version": published.number if published else None}


def study_detail(study: Study) -> dict:
    return {**study_json(study), "sites": [site_json(site) for site in study.sites],
            "versions": [version_json(study, version) for version in service.versions(study)]}


@api.get("/studies")
@requires_permission("view_study")
@responds(200, "The organization's own studies and those shared with it", schema=schemas.StudyList)
def list_studies():
    """List the studies (own and shared)"""
    owners = _owners()
    rows = tool().db_session().scalars(select(Study).order_by(Study.name, Study.id)).all()
    return jsonify(studies=[study_json(study, owners) for study in rows])


def or_file_upload(handler):
    """Send a multipart request to ``handler`` and the others to the view (whose JSON body its
    ``takes_body`` checks); the view's declarations are kept for the OpenAPI document."""
    def mark(view):
        @functools.wraps(view)
        def dispatch(*args, **kwargs):
            if request.mimetype == "multipart/form-data":
                return handler(*args, **kwargs)
            return view(*args, **kwargs)
        return dispatch
    return mark


def _create_study_from_file():
    with refusals():
        data, fmt, _ = _uploaded_definition()
        study, _ = service.create_study_from_file(data, fmt, request.form.to_dict())
        tool().db_session().commit()
    return jsonify(study_detail(study)), 201, {"Location": url_for(".show_study", study_id=study.id)}


@api.post("/studies")
@requires_permission("manage_study")
@upload_limit(DEFINITION_LIMIT + 64 * 1024)
@or_file_upload(_create_study_from_file)
@takes_body(schemas.StudyIn)
@responds(201, "The study, created (with its definition as a draft version when a file was sent)",
          schema=schemas.StudyDetail)
def create_study(body: dict):
    """Create a study

    A JSON body creates an empty study. A multipart upload creates it with its definition: fields
    `file` (a REDCap data dictionary CSV or a CDISC ODM 1.3.2 file), `format` (dictionary or odm),
    and `name`, `oid`, `protocol_name`, `description`, `version_name` (an ODM file's Study gives
    the name, OID and protocol unless these are sent; a dictionary needs `name`)."""
    with refusals():
        study = service.create_study(body)
        tool().db_session().commit()
    return jsonify(study_detail(study)), 201, {"Location": url_for(".show_study", study_id=study.id)}


@api.get("/studies/<int:study_id>")
@requires_permission("view_study")
@responds(200, "The study with its sites (those the organization may see) and versions", schema=schemas.StudyDetail)
def show_study(study_id: int):
    """One study"""
    return jsonify(study_detail(_visible(study_id)))


def _uploaded_definition() -> tuple[bytes, str, str]:
    """(bytes, format, version name) of a multipart upload, checked by the storage service."""
    upload = request.files.get("file")
    problems = EdcInputError()
    if upload is None or not upload.filename:
        problems.add("file", "Send the definition file as the multipart field 'file'.")
    fmt = request.form.get("format", "")
    if fmt not in service.FORMATS:
        problems.add("format", "format: choose 'dictionary' (a REDCap data dictionary) or 'odm' (CDISC ODM).")
    problems.raise_if_any()
    try:
        stored = tool().storage.save(upload, allowed_types=DEFINITION_TYPES, max_bytes=DEFINITION_LIMIT)
    except FileRefused as exc:
        raise EdcInputError([("file", str(exc))]) from None
    return tool().storage.get(stored.key), fmt, request.form.get("name", "").strip()


def _definition_input() -> tuple[bytes, str, str]:
    """(bytes, format, version name) from a multipart upload, or from a JSON body with the text."""
    if request.mimetype == "multipart/form-data":
        return _uploaded_definition()
    try:
        body = schemas.DefinitionJson().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        raise InvalidInput(problems_of(exc.messages)) from None
    return body["content"].encode("utf-8"), body["format"], body.get("name", "").strip()


@api.post("/studies/<int:study_id>/definitions")
@requires_permission("manage_study")
@upload_limit(DEFINITION_LIMIT + 64 * 1024)
@takes_body(schemas.DEFINITION_UPLOAD, media_type="multipart/form-data")
@responds(201, "The draft version, imported (it replaces an earlier draft)", schema=schemas.VersionOut)
@responds(422, "The file cannot be read: `problems` names every row or element at fault; nothing is imported")
def import_definition(study_id: int):
    """Import a definition: a REDCap data dictionary or an ODM file

    Multipart fields `file`, `format` (dictionary or odm) and `name`; or a JSON body
    `{"format", "content", "name"}` with the file's text as `content`."""
    study = _buildable(study_id)
    with refusals():
        data, fmt, name = _definition_input()
        version = service.import_definition(study, data, fmt, name=name)
        tool().db_session().commit()
    return jsonify(version_json(study, version)), 201


def _version(study: Study, number: int) -> MetadataVersion:
    version = service.version_numbered(study, number)
    if version is None:
        abort(404, "The study has no such version.")
    return version


@api.post("/studies/<int:study_id>/versions/<int:number>/publish")
@requires_permission("manage_study")
@takes_body(schemas.NoBody, required=False)
@responds(200, "The version, published: new forms are entered under it", schema=schemas.VersionOut)
def publish_version(study_id: int, number: int, body: dict):
    """Publish a draft version"""
    study = _buildable(study_id)
    version = _version(study, number)
    with refusals():
        service.publish(version)
        tool().db_session().commit()
    return jsonify(version_json(study, version))


@api.get("/studies/<int:study_id>/versions/<int:number>/odm")
@requires_permission("view_study")
@responds(200, "The version's definition: the ODM 1.3.2 document itself (application/xml) when the request "
               "accepts application/xml, else JSON with the document as `odm`", schema=schemas.OdmOut)
def version_odm(study_id: int, number: int):
    """A version's definition as CDISC ODM 1.3.2

    Send `Accept: application/xml` for the XML file itself."""
    study = _visible(study_id)
    version = _version(study, number)
    if request.accept_mimetypes.best_match(["application/json", "application/xml"]) == "application/xml":
        return Response(version.odm, mimetype="application/xml",
                        headers={"Content-Disposition": f'attachment; filename="{study.oid}-v{number}.xml"'})
    return jsonify(number=version.number, oid=version.oid, sha256=version.sha256, odm=version.odm)


@api.get("/studies/<int:study_id>/sites")
@requires_permission("view_study")
@responds(200, "The study's sites that the organization may see", schema=schemas.SiteList)
def list_sites(study_id: int):
    """The study's sites"""
    return jsonify(sites=[site_json(site) for site in _visible(study_id).sites])


@api.post("/studies/<int:study_id>/sites")
@requires_permission("manage_study")
@takes_body(schemas.SiteIn)
@responds(201, "The site, added", schema=schemas.SiteOut)
def add_site(study_id: int, body: dict):
    """Add a site"""
    study = _buildable(study_id)
    with refusals():
        site = service.add_site(study, body)
        tool().db_session().commit()
    return jsonify(site_json(site)), 201


def grant_json(study: Study, grant) -> dict:
    sites = {site.id: site.code for site in study.sites}
    return {"id": grant.id, "org": grant.grantee_org, "roles": list(grant.roles),
            "site": sites.get(grant.site_id, grant.site_label) if grant.site_id else None,
            "status": grant.status, "invited_at": grant.invited_at.isoformat()}


@api.get("/studies/<int:study_id>/shares")
@requires_permission("manage_study")
@responds(200, "The organizations the study is shared with or invited to (the owner only)", schema=schemas.GrantList)
def list_shares(study_id: int):
    """Who the study is shared with"""
    study = _buildable(study_id)
    return jsonify(grants=[grant_json(study, grant) for grant in tool().sharing.grants_of(study)])


@api.post("/studies/<int:study_id>/shares")
@requires_permission("manage_study")
@takes_body(schemas.ShareIn)
@responds(201, "The invitation: the grant is pending until the organization's admins accept it",
          schema=schemas.GrantOut)
def share_study(study_id: int, body: dict):
    """Share the study with an organization (a CRO, or a site organization for one site)"""
    study = _buildable(study_id)
    site = None
    with refusals():
        if body.get("site"):
            site = next((s for s in study.sites if s.code == body["site"].strip()), None)
            if site is None:
                raise EdcInputError([("site", f"site: the study has no site {body['site'].strip()}.")])
        grant = service.share_study(study, with_org=body["org"].strip(), roles=body["roles"], site=site)
        tool().db_session().commit()
    return jsonify(grant_json(study, grant)), 201


@api.delete("/studies/<int:study_id>/shares/<int:grant_id>")
@requires_permission("manage_study")
@responds(200, "Revoked: the organization's access ended at once", schema=schemas.GrantOut)
def revoke_share(study_id: int, grant_id: int):
    """Revoke a share"""
    study = _buildable(study_id)
    grant = service.revoke_share(study, grant_id)
    if grant is None:
        abort(404, "The study has no such share.")
    tool().db_session().commit()
    return jsonify({**grant_json(study, grant), "status": "revoked"})
