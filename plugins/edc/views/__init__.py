"""edc's pages: one blueprint, its views in one module per area (registered on import)."""
from flask import Blueprint

bp = Blueprint("edc", __name__, template_folder="../templates", static_folder="../static")

from . import studies  # noqa: E402,F401  (registers the routes on bp)
