"""edc API: queries (routes registered on ``api``)."""
from . import api  # noqa: F401
