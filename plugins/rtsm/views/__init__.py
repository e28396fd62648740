"""rtsm's pages: one blueprint, one module per area (each registers its routes on ``bp``)."""
from flask import Blueprint

bp = Blueprint("rtsm", __name__, template_folder="../templates", static_folder="../static")

from . import randomize, schemes, sharing, studies, study_settings, subjects, supply, team, unblinding  # noqa: E402,F401  (register the routes)
