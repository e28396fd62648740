"""What the host API sends and accepts; the OpenAPI document is generated from these."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from sdk.manifest import CATEGORIES, INTERVALS

from ..models.tools import LICENSE_STATUSES


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "Machine-readable error name, "
                                                                  "e.g. not_found"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for people"})


class InvalidInputSchema(Schema):
    """Every 422 of the API, the host's and the tools' (``sdk.forms.InputProblems.as_json``):
    input that does not validate, every problem listed, nothing saved."""

    error = fields.String(required=True, metadata={"description": "invalid_input"})
    message = fields.String(required=True, metadata={"description": "Every problem, joined"})
    problems = fields.List(fields.String(), required=True, metadata={"description": "Every problem, "
                                                                                     "for people"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                          data_key="fields", metadata={"description": "The problems of each field, by "
                                                                      "its name (a dotted path when nested)"})


class ToolUnavailableSchema(Schema):
    """The gate's 402: the organization holds no license for the tool, or switched it off."""

    error = fields.String(required=True, metadata={"description": "tool_unavailable"})
    message = fields.String(required=True, metadata={"description": "Why, and how to get the tool"})
    tool = fields.String(required=True, metadata={"description": "The tool's key"})


class ToolErrorSchema(Schema):
    """An error a tool answers itself: the platform's two fields, and whatever the tool adds
    (site_select lists every ``problems``)."""

    class Meta:
        unknown = INCLUDE

    error = fields.String(required=True, metadata={"description": "Machine-readable error name"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for people"})


class PlanSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    amount = fields.Integer(required=True, metadata={"description": "Price in minor units (cents)"})
    currency = fields.String(required=True, metadata={"description": "ISO 4217 code"})
    interval = fields.String(required=True, validate=validate.OneOf(INTERVALS))
    per_seat = fields.Boolean(required=True)
    min_seats = fields.Integer(required=True)
    trial_days = fields.Integer(required=True, metadata={"description": "0: no free trial"})


class PermissionSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    description = fields.String()
    default_for_members = fields.Boolean()


class CatalogToolSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    summary = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    version = fields.String(required=True, metadata={"description": "PEP 440 version"})
    publisher = fields.String(required=True)
    api_level = fields.Integer(required=True, metadata={"description": "SDK API level"})
    plans = fields.List(fields.Nested(PlanSchema), required=True)
    permissions = fields.List(fields.Nested(PermissionSchema), required=True)


class CatalogSchema(Schema):
    tools = fields.List(fields.Nested(CatalogToolSchema), required=True)


class CatalogQuerySchema(Schema):
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)),
                             metadata={"description": "Only tools of this category"})
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "Words to find in name, summary or publisher"})


class OrgToolSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    license_status = fields.String(allow_none=True, validate=validate.OneOf(LICENSE_STATUSES),
                                   metadata={"description": "null when the organization holds no license"})
    plan = fields.String(allow_none=True, metadata={"description": "Plan code of the license"})
    seats = fields.Integer(required=True)
    valid_until = fields.DateTime(allow_none=True, format="iso",
                                  metadata={"description": "ISO 8601, UTC"})
    trial_ends_at = fields.DateTime(allow_none=True, format="iso",
                                    metadata={"description": "ISO 8601, UTC"})
    entitled = fields.Boolean(required=True, metadata={"description": "The license lets it run now"})
    enabled = fields.Boolean(required=True, metadata={"description": "The organization's switch"})
    serving = fields.Boolean(required=True, metadata={"description": "Licensed and enabled: usable"})


class OrgToolsSchema(Schema):
    org = fields.String(required=True, metadata={"description": "Organization slug"})
    tools = fields.List(fields.Nested(OrgToolSchema), required=True)
