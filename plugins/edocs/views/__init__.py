"""edocs' pages: one blueprint, one module per area (each registers its routes on ``bp``)."""
from flask import Blueprint

bp = Blueprint("edocs", __name__, template_folder="../templates", static_folder="../static")

from . import (  # noqa: E402,F401  (register the routes)
    closing,
    completeness,
    document_details,
    documents,
    milestones,
    qc,
    retention,
    search,
    sharing,
    studies,
    transfer,
    upload,
)
