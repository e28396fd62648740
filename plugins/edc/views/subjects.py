"""edc pages: subjects (routes registered on ``bp``)."""
from . import bp  # noqa: F401
