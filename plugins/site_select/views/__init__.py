"""site_select's pages, one module per area; all on one blueprint, mounted by the host at
``/o/<org>/site_select/`` behind its gate (membership, license, enabled, permission).

Views are thin: they read the request, call a service, commit or roll back, and render. A
:class:`~..services.SiteSelectError` on a form (``..forms``, the kit's WTForms) is absorbed by it:
every problem beside its field and in the summary, values kept, a 422 with nothing saved. An
action without a form (remove, hand off, delete) flashes its refusal instead.
"""
from flask import Blueprint

bp = Blueprint("site_select", __name__, template_folder="../templates")

from . import imports, ranking, shortlists, sites  # noqa: E402,F401  (routes register on bp)
