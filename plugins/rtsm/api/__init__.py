"""rtsm's JSON API (``/api/v1/o/<org>/rtsm/...``): one blueprint, one module per area, each route
declared with ``sdk.api_docs`` so it appears in the OpenAPI document with its bodies and errors."""
from flask import Blueprint

api = Blueprint("rtsm_api", __name__)

from . import randomization, studies, supply  # noqa: E402,F401  (register the routes)
