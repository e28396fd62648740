"""site_select's pages, one module per area; all on one blueprint, mounted by the host at
``/o/<org>/site_select/`` behind its gate (membership, license, enabled, permission).

Views are thin: they read the request, call a service, commit or roll back, and render. A
:class:`~..services.SiteSelectError` becomes a flashed message and a 422 with nothing saved.
"""
from flask import Blueprint

bp = Blueprint("site_select", __name__, template_folder="../templates")

from . import imports, ranking, shortlists, sites  # noqa: E402,F401  (routes register on bp)
