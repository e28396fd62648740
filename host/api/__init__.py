"""The host's JSON API at ``/api/v1``, with its OpenAPI 3 document generated from the code.

``init_api`` runs after the tools are mounted, so their APIs are in the document too.
"""
from __future__ import annotations

from flask import Flask

from .auth import init_bearer_check
from .base import TrialOfficeApi
from .common_responses import install_common_responses
from .docs import ORG_PARAMETER, document_tool_apis
from .schemas import InvalidInputSchema

API_DESCRIPTION = (
    "The Trial Office API: the tool catalog, each organization's tools and their switches, and "
    "the APIs of the tools themselves under `/api/v1/o/{org}/{tool}/`.\n\n"
    "Authenticate with `Authorization: Bearer <token>`; create a token on the organization's "
    "API tokens page. A token works for one organization only. Errors are JSON: "
    '`{"error": "not_found", "message": "..."}`.'
)
SPEC_OPTIONS = {
    "info": {"description": API_DESCRIPTION},
    "security": [{"bearerAuth": []}],
}
BEARER_SCHEME = {"type": "http", "scheme": "bearer",
                 "description": "An API token of one user in one organization (see API tokens)."}
API_CONFIG = {
    "API_TITLE": "Trial Office API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": SPEC_OPTIONS,
}


def init_api(app: Flask) -> TrialOfficeApi:
    from .audit import blp as audit_blp
    from .billing import blp as billing_blp
    from .catalog import blp as catalog_blp
    from .jobs import blp as jobs_blp
    from .tools import blp as org_tools_blp

    for name, value in API_CONFIG.items():
        app.config.setdefault(name, value)
    api = TrialOfficeApi(app)
    install_common_responses(api.spec)
    api.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
    api.spec.components.schema("InvalidInput", schema=InvalidInputSchema)
    api.register_blueprint(catalog_blp)
    api.register_blueprint(org_tools_blp, parameters=[ORG_PARAMETER])
    api.register_blueprint(billing_blp, parameters=[ORG_PARAMETER])
    api.register_blueprint(audit_blp, parameters=[ORG_PARAMETER])
    api.register_blueprint(jobs_blp, parameters=[ORG_PARAMETER])
    document_tool_apis(api, app)
    init_bearer_check(app)
    app.extensions["trialoffice.api"] = api
    return api
