"""flask-smorest wired into the host: one error shape, readable validation messages.

The host's error handlers (``host/errors.py``) answer every error under ``/api/`` as
``{"error": ..., "message": ...}``. flask-smorest would register its own handler for every
``HTTPException`` (a different shape, and for HTML pages too), so :class:`TrialOfficeApi`
registers none; its request parser turns validation errors into a sentence instead.
"""
from __future__ import annotations

import flask_smorest
from flask import abort
from webargs.flaskparser import FlaskParser

from sdk.api_docs import InvalidInput, problems_of

from .schemas import ErrorSchema

REQUEST_LOCATIONS = ("json", "query", "form", "headers", "files", "cookies", "view_args")


def _flatten(messages, path=()):
    if isinstance(messages, dict):
        for name, inner in messages.items():
            skip = name == "_schema" or (not path and name in REQUEST_LOCATIONS)
            yield from _flatten(inner, path if skip else (*path, str(name)))
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield ".".join(path), str(messages)


def describe_validation_errors(messages) -> str:
    """``{"query": {"category": ["Not valid."]}}`` -> ``"category: Not valid."``"""
    return "; ".join(f"{path}: {text}" if path else text for path, text in _flatten(messages))


class ReadableParser(FlaskParser):
    """Validation errors become a 422 (or 400) whose message names each bad field."""

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        status = error_status_code or self.DEFAULT_VALIDATION_STATUS
        if status == 422:  # the platform's 422 shape, as tool endpoints answer it (sdk.api_docs)
            raise InvalidInput(problems_of(error.messages, by_location=True))
        detail = describe_validation_errors(error.messages)
        abort(status, description=f"The request is not valid: {detail}")

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, description="The request body is not valid JSON.")


class ApiBlueprint(flask_smorest.Blueprint):
    """A host API blueprint; its operations are grouped in the document under ``tag``."""

    ARGUMENTS_PARSER = ReadableParser()

    def __init__(self, *args, tag: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)


class TrialOfficeApi(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema
    #: No catch-all ``default`` answer: each status an operation gives is documented by itself.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """The host's handlers already answer JSON under /api/ in the house shape."""

    def register_blueprint(self, blp, *, parameters=None, **options):
        """As flask-smorest's, but the document's tag is the blueprint's readable ``tag``."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        self.spec.tag({"name": getattr(blp, "tag", name), "description": blp.description})


def error_documenter(blueprint, descriptions: dict[int, str]):
    """``documents_errors(*codes)`` for ``blueprint``: puts the error answers a view can give,
    described by ``descriptions``, into the OpenAPI document."""

    def documents_errors(*codes):
        def decorate(view):
            for code in codes:
                view = blueprint.alt_response(code, schema=ErrorSchema, description=descriptions[code])(view)
            return view

        return decorate

    return documents_errors
