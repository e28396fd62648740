"""edc API: exports (routes registered on ``api``)."""
from . import api  # noqa: F401
