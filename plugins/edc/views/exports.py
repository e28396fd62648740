"""edc pages: exports (routes registered on ``bp``)."""
from . import bp  # noqa: F401
