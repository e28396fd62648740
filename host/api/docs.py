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

from sdk.api_docs import declared_body, declared_responses
from sdk.views import required_permission

from .schemas import ErrorSchema, ToolErrorSchema, ToolUnavailableSchema

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
        _document_rules(api, app, name, manifest.name)


def _document_rules(api, app: Flask, blueprint_name: str, tag: str) -> None:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(blueprint_name + "."):
            continue
        view = app.view_functions[rule.endpoint]
        operation = _operation(view, rule.endpoint, tag)
        methods = sorted((rule.methods or set()) - IGNORED_METHODS)
        api.spec.path(rule=rule, operations={m.lower(): operation for m in methods},
                      parameters=[ORG_PARAMETER])


def _operation(view, endpoint: str, tag: str) -> dict:
    doc = inspect.cleandoc(view.__doc__ or "")
    summary, _, description = doc.partition("\n")
    if not summary:
        summary = endpoint.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    permission = required_permission(view)
    if permission:
        description = f"{description}\n\nNeeds the tool permission `{permission}`.".strip()
    operation = {"tags": [tag], "summary": summary.strip(), "responses": _responses(view, permission)}
    if description.strip():
        operation["description"] = description.strip()
    body = declared_body(view)
    if body is not None:
        operation["requestBody"] = {"required": body.required, "content": {body.media_type: {"schema": body.schema}}}
    return operation


def _responses(view, permission: str | None) -> dict:
    """The gate's answers, then the tool's own (:func:`sdk.api_docs.responds`); 200 if it
    declares no success."""
    responses = {}
    for code, (text, schema) in GATE_ANSWERS.items():
        if code == 403 and permission:
            text = PERMISSION_ERROR
        responses[str(code)] = {"description": text, "content": {"application/json": {"schema": schema}}}
    declared = declared_responses(view)
    if not any(200 <= code < 300 for code in declared):
        responses["200"] = {"description": "Success; the body is the tool's JSON"}
    for code, answer in sorted(declared.items()):
        if code >= 400:
            responses[str(code)] = {"description": answer.description,
                                    "content": {"application/json": {"schema": ToolErrorSchema}}}
        else:
            responses[str(code)] = {"description": answer.description}
            if answer.schema is not None:
                responses[str(code)]["content"] = {"application/json": {"schema": answer.schema}}
    return responses
