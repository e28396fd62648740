"""edc pages: entry (routes registered on ``bp``)."""
from . import bp  # noqa: F401
