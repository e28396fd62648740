"""Answers that any API operation can give, put in the OpenAPI document once for all of them.

An apispec plugin, so that host operations, smorest tool blueprints and tool routes described
from the URL map all get them: 400 for a malformed request (a NUL character, see
``host.text_guard``; a body that is not JSON; a session-cookie call without its CSRF token),
401 for a token that is invalid or revoked (checked before any view, public ones included),
and 413 for an operation that takes a body larger than the platform accepts. Every 422 is
documented with the one body every refused input gets (``InvalidInput``: ``sdk.forms.InputProblems``).
"""
from __future__ import annotations

from apispec import BasePlugin

ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
INVALID_INPUT_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/InvalidInput"}}}
INVALID_INPUT = "The input does not validate; `problems` lists every reason, `fields` them by field"
WRITE_METHODS = {"post", "put", "patch", "delete"}
EVERY_OPERATION = {
    "400": "The request is malformed: a NUL character in its text, a body that is not valid JSON "
           "or not the shape expected, or (signed in with a session cookie instead of a token) "
           "no CSRF token",
    "401": "Not signed in, or the token is invalid or revoked (also on public operations)",
}
WITH_A_BODY = {
    "413": "The request is larger than the platform accepts; nothing was saved",
}


class CommonResponsesPlugin(BasePlugin):
    """Adds the shared answers to each operation that does not describe them itself."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            present = {str(code) for code in responses}
            shared = {**EVERY_OPERATION, **(WITH_A_BODY if method.lower() in WRITE_METHODS else {})}
            for code, description in shared.items():
                if code not in present:
                    responses[code] = {"description": description, "content": ERROR_BODY}
            if "422" in present or 422 in responses:
                answer = responses.pop(422, None) or responses["422"]
                text = answer.get("description") if isinstance(answer, dict) and "$ref" not in answer else None
                responses["422"] = {"description": text or INVALID_INPUT, "content": INVALID_INPUT_BODY}


def install_common_responses(spec) -> None:
    plugin = CommonResponsesPlugin()
    plugin.init_spec(spec)
    spec.plugins.append(plugin)
