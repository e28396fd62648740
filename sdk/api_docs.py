"""What a tool's plain-Flask API view tells the OpenAPI document beyond its docstring.

The host documents every tool API route from the URL map, with the answers the host itself gives
(401, 402 from the gate, 403, 404, and 400/413 for a request with a body). What only the tool
knows it marks on the view: the statuses it answers itself and the body it takes::

    @api.post("/sites")
    @requires_permission("manage_sites")
    @takes_body({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}})
    @responds(201, "The site, created")
    @responds(422, "The input does not validate; every problem is listed")
    def create_site(): ...

An error status (4xx) is documented with the platform's error body: ``error`` and ``message``,
plus whatever the tool adds. A tool that hands the host a ``flask_smorest.Blueprint`` documents
itself with marshmallow schemas instead.
"""
from __future__ import annotations

from dataclasses import dataclass

RESPONSES_ATTR = "_trialoffice_responses"
BODY_ATTR = "_trialoffice_body"


@dataclass(frozen=True)
class DeclaredResponse:
    status: int
    description: str
    schema: dict | None = None


@dataclass(frozen=True)
class DeclaredBody:
    schema: dict
    media_type: str = "application/json"
    required: bool = True


def responds(status: int, description: str, *, schema: dict | None = None):
    """Mark a view as answering ``status``; ``schema`` (JSON Schema) describes a success's body.

    A view that declares no success status is documented as answering 200."""
    if not 200 <= status < 600:
        raise ValueError(f"responds needs an HTTP status, not {status!r}")

    def mark(view):
        declared = dict(getattr(view, RESPONSES_ATTR, {}))
        declared[status] = DeclaredResponse(status, description, schema)
        setattr(view, RESPONSES_ATTR, declared)
        return view

    return mark


def takes_body(schema: dict, *, media_type: str = "application/json", required: bool = True):
    """Mark a view as taking a request body described by ``schema`` (JSON Schema)."""

    def mark(view):
        setattr(view, BODY_ATTR, DeclaredBody(schema, media_type, required))
        return view

    return mark


def declared_responses(view) -> dict[int, DeclaredResponse]:
    return dict(getattr(view, RESPONSES_ATTR, {}))


def declared_body(view) -> DeclaredBody | None:
    return getattr(view, BODY_ATTR, None)
