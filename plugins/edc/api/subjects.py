"""edc API: subjects (routes registered on ``api``)."""
from . import api  # noqa: F401
