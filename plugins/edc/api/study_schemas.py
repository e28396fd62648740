"""The study build API's bodies (marshmallow): what it takes and what it answers. Shapes only;
the rules (OIDs, site numbers, roles, a definition's content) are the services', so the API and
the pages say the same words."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..services.studies import FORMATS, SITE_ROLES, STUDY_ROLES


class Strict(Schema):
    class Meta:
        unknown = RAISE


class StudyIn(Strict):
    name = fields.String(required=True, metadata={"description": "The study's name (at most 200 characters)"})
    oid = fields.String(metadata={"description": "The study OID; made from the name when left out"})
    protocol_name = fields.String(metadata={"description": "The protocol's number or short name"})
    description = fields.String()


class SiteIn(Strict):
    code = fields.String(required=True, metadata={"description": "The site number, e.g. 101"})
    name = fields.String(required=True)
    oid = fields.String(metadata={"description": "The ODM LocationOID (default SITE.<code>)"})


class ShareIn(Strict):
    org = fields.String(required=True, metadata={"description": "The organization's short name (its slug)"})
    roles = fields.List(fields.String(validate=validate.OneOf(STUDY_ROLES + SITE_ROLES)), required=True,
                        metadata={"description": "data_manager, monitor (a CRO, whole study); site_coordinator, "
                                                 "investigator (a site organization, one site)"})
    site = fields.String(metadata={"description": "The site number: limits the grant to that site's subjects"})


#: documented only: the view reads the multipart upload itself (or a JSON body of the same fields
#: with the file's text as ``content``)
DEFINITION_UPLOAD = {"type": "object", "required": ["file", "format"], "properties": {
    "file": {"type": "string", "format": "binary",
             "description": "A REDCap data dictionary CSV or a CDISC ODM 1.3.2 XML file (UTF-8, at most 5 MB)"},
    "format": {"type": "string", "enum": list(FORMATS)},
    "name": {"type": "string", "description": "The version's name (default 'Version N')"}}}


class DefinitionJson(Strict):
    format = fields.String(required=True, validate=validate.OneOf(list(FORMATS)))
    content = fields.String(required=True, metadata={"description": "The file's text"})
    name = fields.String()


class OdmOut(Schema):
    number = fields.Integer(required=True)
    oid = fields.String(required=True)
    sha256 = fields.String(required=True)
    odm = fields.String(required=True, metadata={"description": "The ODM 1.3.2 XML document"})


class SiteOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    oid = fields.String(required=True)


class SiteList(Schema):
    sites = fields.List(fields.Nested(SiteOut), required=True)


class VersionOut(Schema):
    number = fields.Integer(required=True)
    oid = fields.String(required=True)
    name = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "dictionary, odm or copy"})
    published = fields.Boolean(required=True)
    published_at = fields.DateTime(allow_none=True)
    sha256 = fields.String(required=True)
    odm_url = fields.String(required=True, metadata={"description": "The definition as ODM 1.3.2 XML"})


class StudyOut(Schema):
    id = fields.Integer(required=True)
    oid = fields.String(required=True)
    name = fields.String(required=True)
    protocol_name = fields.String(required=True)
    description = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "open, frozen or locked"})
    own = fields.Boolean(required=True, metadata={"description": "False: shared with this organization"})
    owner = fields.String(required=True, metadata={"description": "The owning organization's short name"})
    published_version = fields.Integer(allow_none=True, required=True)


class StudyDetail(StudyOut):
    sites = fields.List(fields.Nested(SiteOut), required=True)
    versions = fields.List(fields.Nested(VersionOut), required=True)


class StudyList(Schema):
    studies = fields.List(fields.Nested(StudyOut), required=True)


class GrantOut(Schema):
    id = fields.Integer(required=True)
    org = fields.String(required=True, metadata={"description": "The grantee organization's short name"})
    roles = fields.List(fields.String(), required=True)
    site = fields.String(allow_none=True, required=True, metadata={"description": "The site number, or null"})
    status = fields.String(required=True, metadata={"description": "pending (invited), active or revoked"})
    invited_at = fields.DateTime(required=True)


class GrantList(Schema):
    grants = fields.List(fields.Nested(GrantOut), required=True)


class NoBody(Strict):
    """A POST that takes no fields."""
