"""edc pages: review (routes registered on ``bp``)."""
from . import bp  # noqa: F401
