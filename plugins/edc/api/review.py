"""edc API: review (routes registered on ``api``)."""
from . import api  # noqa: F401
