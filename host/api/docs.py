"""Tool APIs in the OpenAPI document, so a third party sees every endpoint it may call.

Tools mount plain Flask blueprints at ``/api/v1/o/<org>/<key>/``; they are described from the
URL map (methods, summary and description from the view's docstring, the tool's name as tag,
the permission the host checks, the gate's answers, and the answers and body the view declares
with :mod:`sdk.api_docs`). A tool that hands over a ``flask_smorest.Blueprint`` is described by
flask-smorest itself, from its own schemas.
"""
from __future__ import annotations

import inspect
import logging

import flask_smorest
from flask import Flask

from sdk.api_docs import INVALID_INPUT, declared_body, declared_query, declared_responses
from sdk.views import required_permission

from .schemas import ErrorSchema, InvalidInputSchema, ToolErrorSchema, ToolUnavailableSchema

IGNORED_METHODS = {"HEAD", "OPTIONS"}
ORG_PARAMETER = {"in": "path", "name": "org", "required": True, "schema": {"type": "string"},
                 "description": "Slug of the organization; a token works only for its own."}
#: What the host's gate answers in front of every tool route (401, 400 and 413: common_responses).
GATE_ANSWERS = {
    402: ("The organization has no license for the tool, or switched it off", ToolUnavailableSchema),
    403: ("The tool is licensed per seat and the caller holds none", ErrorSchema),
    404: ("No such organization for this caller (or token), or no such record in it", ErrorSchema),
}
PERMISSION_ERROR = "The caller lacks the tool permission this endpoint needs, or holds no seat of a per-seat tool"
log = logging.getLogger(__name__)


def document_tool_apis(api, app: Flask) -> None:
    registry = app.extensions["trialoffice.registry"]
    for name, key in sorted(app.extensions["trialoffice.tool_blueprints"].items()):
        manifest = registry.manifest(key)
        if not name.startswith("api_") or manifest is None:
            continue
        try:
            _document_tool(api, app, name, manifest)
        except Exception:  # an odd tool blueprint must not stop the host from starting
            log.exception("the API of tool %s could not be put in the OpenAPI document", key)


def _document_tool(api, app: Flask, name: str, manifest) -> None:
    blueprint = app.blueprints.get(name)
    api.spec.tag({"name": manifest.name, "description": f"{manifest.summary} "
                  f"(tool '{manifest.key}' {manifest.version} by {manifest.publisher})"})
    if isinstance(blueprint, flask_smorest.Blueprint):
        app.extensions["flask-smorest"]["blp_name_to_api"][name] = api
        blueprint.register_views_in_doc(api, app, api.spec, name=name, parameters=[ORG_PARAMETER])
    else:
        _document_rules(api, app, name, manifest)


def _document_rules(api, app: Flask, blueprint_name: str, manifest) -> None:
    components = ToolComponents(api.spec, manifest.key)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(blueprint_name + "."):
            continue
        view = app.view_functions[rule.endpoint]
        operation = _operation(view, rule.endpoint, manifest.name, components)
        methods = sorted((rule.methods or set()) - IGNORED_METHODS)
        api.spec.path(rule=rule, operations={m.lower(): operation for m in methods},
                      parameters=[ORG_PARAMETER])


class ToolComponents:
    """A tool's marshmallow schemas as document components named ``<tool key>.<Name>``.

    Nested schemas are registered first, under the tool's prefix too, so that apispec refers to
    them instead of inventing its own names (which collide across tools)."""

    def __init__(self, spec, key: str):
        self.spec, self.key = spec, key

    def ref(self, schema) -> dict:
        """A JSON Schema ``dict`` as it is; a marshmallow schema as a reference to its component."""
        if isinstance(schema, dict):
            return schema
        instance = schema() if isinstance(schema, type) else schema
        return {"$ref": f"#/components/schemas/{self._register(instance)}"}

    def _register(self, instance) -> str:
        cls = type(instance)
        names = self.spec.__dict__.setdefault("_trialoffice_tool_schemas", {})
        if cls in names:
            return names[cls]
        bare = cls.__name__.removesuffix("Schema") or cls.__name__
        name, n = f"{self.key}.{bare}", 2
        while name in self.spec.components.schemas:
            name, n = f"{self.key}.{bare}{n}", n + 1
        names[cls] = name
        for nested in _nested(instance):
            self._register(nested)
        self.spec.components.schema(name, schema=cls)
        return name


def _nested(instance):
    from marshmallow import fields

    def inner(field):
        if isinstance(field, fields.Nested):
            yield field.schema
        elif isinstance(field, fields.List):
            yield from inner(field.inner)
        elif isinstance(field, fields.Tuple):
            for item in field.tuple_fields:
                yield from inner(item)
        elif isinstance(field, fields.Dict) and field.value_field is not None:
            yield from inner(field.value_field)

    for field in instance.fields.values():
        for nested in inner(field):
            yield nested


def _operation(view, endpoint: str, tag: str, components: ToolComponents) -> dict:
    doc = inspect.cleandoc(view.__doc__ or "")
    summary, _, description = doc.partition("\n")
    if not summary:
        summary = endpoint.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    permission = required_permission(view)
    if permission:
        description = f"{description}\n\nNeeds the tool permission `{permission}`.".strip()
    body, query = declared_body(view), declared_query(view)
    checked = query is not None or (body is not None and body.checked)
    operation = {"tags": [tag], "summary": summary.strip(),
                 "responses": _responses(view, permission, components, checked)}
    if description.strip():
        operation["description"] = description.strip()
    if body is not None:
        operation["requestBody"] = {"required": body.required,
                                    "content": {body.media_type: {"schema": components.ref(body.schema)}}}
    if query is not None:
        operation["parameters"] = [{"in": "query", "schema": query}]
    return operation


def _responses(view, permission: str | None, components: ToolComponents, checked: bool) -> dict:
    """The gate's answers, then the tool's own (:func:`sdk.api_docs.responds`); 200 if it
    declares no success; 422 in the platform's shape if the helper checks the input."""
    responses = {}
    for code, (text, schema) in GATE_ANSWERS.items():
        if code == 403 and permission:
            text = PERMISSION_ERROR
        responses[str(code)] = {"description": text, "content": {"application/json": {"schema": schema}}}
    declared = declared_responses(view)
    if not any(200 <= code < 300 for code in declared):
        responses["200"] = {"description": "Success; the body is the tool's JSON"}
    if checked:
        responses["422"] = {"description": INVALID_INPUT,
                            "content": {"application/json": {"schema": InvalidInputSchema}}}
    for code, answer in sorted(declared.items()):
        if code == 422:
            responses["422"] = {"description": answer.description,
                                "content": {"application/json": {"schema": InvalidInputSchema}}}
        elif code >= 400:
            responses[str(code)] = {"description": answer.description,
                                    "content": {"application/json": {"schema": ToolErrorSchema}}}
        else:
            responses[str(code)] = {"description": answer.description}
            if answer.schema is not None:
                responses[str(code)]["content"] = {answer.media_type: {"schema": components.ref(answer.schema)}}
    return responses
