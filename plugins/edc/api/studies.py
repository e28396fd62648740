"""edc API: studies (routes registered on ``api``)."""
from . import api  # noqa: F401
