"""A tool's API endpoints in the OpenAPI document, with their input checked before the view runs.

The host documents every tool API route from the URL map, with the answers the host itself gives
(401, 402 from the gate, 403, 404, and 400/413 for a request with a body). What only the tool
knows it declares on the view, with marshmallow schemas (as the host's own API does)::

    from marshmallow import Schema, fields, validate
    from sdk.api_docs import responds, takes_body

    class SiteIn(Schema):
        name = fields.String(required=True, validate=validate.Length(min=1, max=300))

    class SiteOut(Schema):
        id = fields.Integer(required=True)
        name = fields.String(required=True)

    @api.post("/sites")
    @requires_permission("manage_sites")
    @takes_body(SiteIn)                       # checked: the view gets the loaded ``body``
    @responds(201, "The site, created", schema=SiteOut)
    @responds(409, "A site of that name exists")
    def create_site(body):
        ...

Input that does not load answers 422 in the platform's shape (:meth:`sdk.forms.InputProblems.as_json`:
``error``, ``message``, every problem in ``problems`` and by field in ``fields``) before the view
runs; a body that is not JSON answers 400. :func:`takes_query` does the same for the query string
(the view gets ``query``). In the document each schema is named after the tool
(``<key>.<Schema name>``), so two tools' ``SiteIn`` never collide, and an endpoint with a body
documents its 422. A plain JSON Schema ``dict`` is still accepted by :func:`takes_body` and
:func:`responds`: documented, not checked.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import jsonify, request
from werkzeug.exceptions import BadRequest, UnprocessableEntity

from .forms import InputProblems

RESPONSES_ATTR = "_trialoffice_responses"
BODY_ATTR = "_trialoffice_body"
QUERY_ATTR = "_trialoffice_query"
INVALID_INPUT = "The input does not validate; `problems` lists every reason, `fields` them by field, nothing is saved"


class InvalidInput(UnprocessableEntity):
    """A 422 carrying every problem of the input; answered in the platform's shape.

    Raised by the checks of :func:`takes_body` and :func:`takes_query`; a tool may raise it too
    (``raise InvalidInput(problems)``) or return it from an API error handler."""

    def __init__(self, problems: InputProblems):
        self.input_problems = problems
        super().__init__(description=str(problems))

    def get_response(self, environ=None, scope=None):
        response = jsonify(self.input_problems.as_json())
        response.status_code = self.code
        return response


#: Where webargs (flask-smorest's ``arguments``) files its messages: ``{"json": {"lat": [...]}}``.
REQUEST_LOCATIONS = ("json", "query", "form", "headers", "files", "cookies", "view_args", "json_or_form")


def problems_of(messages, path: tuple = (), *, by_location: bool = False) -> InputProblems:
    """marshmallow's nested error messages as one :class:`InputProblems`, each message naming its
    field (``"lat: Not a valid number."``); ``by_location``: webargs' messages, keyed by location
    first."""
    if by_location and isinstance(messages, dict):
        flat: dict = {}
        for name, inner in messages.items():
            flat.update(inner if name in REQUEST_LOCATIONS and isinstance(inner, dict) else {name: inner})
        messages = flat
    found = InputProblems()
    for field, text in _flatten(messages, path):
        found.add(field or None, f"{field}: {text}" if field else text)
    return found


def _flatten(messages, path):
    if isinstance(messages, dict):
        for name, inner in messages.items():
            yield from _flatten(inner, path if name == "_schema" else (*path, str(name)))
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield ".".join(path), str(messages)


def _is_marshmallow(schema) -> bool:
    return not isinstance(schema, dict) and hasattr(schema, "load") and hasattr(schema, "fields") or (
        isinstance(schema, type) and hasattr(schema, "_declared_fields"))


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def _load(schema, data):
    from marshmallow import ValidationError

    try:
        return _instance(schema).load(data)
    except ValidationError as exc:
        raise InvalidInput(problems_of(exc.messages)) from None


@dataclass(frozen=True)
class DeclaredResponse:
    status: int
    description: str
    #: A JSON Schema ``dict`` or a marshmallow schema (class or instance).
    schema: object = None
    #: what the body is: JSON, or a download such as ``text/csv`` or ``application/xml``
    media_type: str = "application/json"


@dataclass(frozen=True)
class DeclaredBody:
    schema: object
    media_type: str = "application/json"
    required: bool = True

    @property
    def checked(self) -> bool:
        return _is_marshmallow(self.schema)


def responds(status: int, description: str, *, schema=None, media_type: str = "application/json"):
    """Mark a view as answering ``status``; ``schema`` (a marshmallow schema, or JSON Schema as a
    ``dict``) describes a success's body. An error status (4xx) is documented with the platform's
    error body (``error``, ``message``, and whatever the tool adds).

    A download names its ``media_type`` (``"text/csv"``, ``"application/xml"``); its schema
    defaults to text (``{"type": "string"}``). A view that declares no success status is
    documented as answering 200 with JSON."""
    if not 200 <= status < 600:
        raise ValueError(f"responds needs an HTTP status, not {status!r}")
    if media_type != "application/json" and schema is None:
        schema = {"type": "string"}

    def mark(view):
        declared = dict(getattr(view, RESPONSES_ATTR, {}))
        declared[status] = DeclaredResponse(status, description, schema, media_type)
        setattr(view, RESPONSES_ATTR, declared)
        return view

    return mark


def takes_body(schema, *, media_type: str = "application/json", required: bool = True):
    """Mark a view as taking a request body described by ``schema``.

    A marshmallow schema (class or instance) is also checked: the view is called with the loaded
    data as its ``body`` argument, and input that does not load answers 422 (every problem at
    once) before the view runs. A JSON Schema ``dict`` (or a body that is not JSON, such as a
    multipart upload) is documented only; the view reads ``request`` itself."""
    declared = DeclaredBody(schema, media_type, required)
    if not declared.checked or media_type != "application/json":
        def mark(view):
            setattr(view, BODY_ATTR, declared)
            return view

        return mark

    def check(view):
        @functools.wraps(view)
        def checked_view(*args, **kwargs):
            return view(*args, body=_load(schema, _json_body(required)), **kwargs)

        setattr(checked_view, BODY_ATTR, declared)
        return checked_view

    return check


def _json_body(required: bool):
    if not request.get_data(cache=True).strip():
        data = None
    else:
        try:
            data = request.get_json(force=True)
        except BadRequest:
            raise BadRequest("The request body is not valid JSON.") from None
    if data is None and not required:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(InputProblems([(None, "Send a JSON object (Content-Type: application/json).")]))
    return data


def takes_query(schema):
    """Mark a view as reading the query string described by the marshmallow ``schema``: checked
    like :func:`takes_body`, the view gets the loaded values as its ``query`` argument."""

    def check(view):
        @functools.wraps(view)
        def checked_view(*args, **kwargs):
            raw = {name: (values if len(values) > 1 else values[0])
                   for name, values in request.args.lists()}
            return view(*args, query=_load(schema, raw), **kwargs)

        setattr(checked_view, QUERY_ATTR, schema)
        return checked_view

    return check


def declared_responses(view) -> dict[int, DeclaredResponse]:
    return dict(getattr(view, RESPONSES_ATTR, {}))


def declared_body(view) -> DeclaredBody | None:
    return getattr(view, BODY_ATTR, None)


def declared_query(view):
    return getattr(view, QUERY_ATTR, None)
