"""edc's pages: one blueprint, one module per area (each registers its routes on ``bp``)."""
from flask import Blueprint

bp = Blueprint("edc", __name__, template_folder="../templates", static_folder="../static")

from . import entry, exports, queries, review, studies, study_versions, subjects  # noqa: E402,F401  (register the routes)
