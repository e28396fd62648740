"""The bodies of edocs' exchange API: the import is a multipart upload (documented as JSON
Schema, read by the view), the export a zip download."""
from __future__ import annotations

from marshmallow import Schema, fields

IMPORT = {"type": "object", "required": ["file"], "additionalProperties": False, "properties": {
    "file": {"type": "string", "format": "binary",
             "description": "A TMF Exchange Mechanism zip (exchange.xml and the files it lists), at most 1 GB"}}}


class Imported(Schema):
    documents = fields.Integer(required=True, metadata={"description": "Documents created"})
    versions = fields.Integer(required=True, metadata={"description": "Versions created, with their files"})
    sites_created = fields.List(fields.String(), required=True,
                                metadata={"description": "Site numbers the binder lacked and that were added"})
