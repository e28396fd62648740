"""The bodies of edocs' binder API (marshmallow): shapes only. The rules (an artifact's number and
level, a site's country, a reason's length) are the services', so the API and the pages say the
same words and name every problem."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields


class Strict(Schema):
    class Meta:
        unknown = RAISE


class SiteIn(Strict):
    code = fields.String(required=True, metadata={"description": "The site number, e.g. 101"})
    name = fields.String(metadata={"description": "The site's name"})
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2, e.g. DE"})


class StudyIn(Strict):
    name = fields.String(required=True, metadata={"description": "The binder's (study's) name"})
    protocol = fields.String(metadata={"description": "The protocol number; other tools file into the "
                                                      "binder by it"})
    sites = fields.List(fields.Nested(SiteIn), metadata={"description": "The investigator sites"})


class CloseIn(Strict):
    ended_on = fields.Date(metadata={"description": "The study's end (YYYY-MM-DD); today when omitted"})


class SiteOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    country = fields.String()


class StudyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    protocol = fields.String()
    status = fields.String(metadata={"description": "active or closed"})
    own = fields.Boolean(metadata={"description": "Whether the binder is the caller's organization's own"})
    ended_on = fields.Date(allow_none=True)


class StudyDetail(StudyOut):
    sites = fields.List(fields.Nested(SiteOut), metadata={"description": "The sites the caller sees"})
    artifacts = fields.Integer(metadata={"description": "How many reference-model artifacts the binder has"})


class StudyList(Schema):
    studies = fields.List(fields.Nested(StudyOut))
