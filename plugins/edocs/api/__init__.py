"""edocs' JSON API (``/api/v1/o/<org>/edocs/...``): one blueprint, one module per area, each route
declared with ``sdk.api_docs`` so it appears in the OpenAPI document with its bodies and errors."""
from flask import Blueprint

api = Blueprint("edocs_api", __name__)

from . import completeness, documents, retention, search, studies, transfer  # noqa: E402,F401  (register the routes)
