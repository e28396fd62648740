"""edc pages: queries (routes registered on ``bp``)."""
from . import bp  # noqa: F401
