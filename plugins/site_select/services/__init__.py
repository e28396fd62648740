"""Use cases of site_select: persistence around the pure ``domain`` package, no Flask views.

Each module is one concern (sites, history, imports, ranking, presets, shortlists, exports,
events). They run inside a request or an ``sdk.org_scope``; every query is tenant-scoped by
the SDK, and every user-facing failure is a :class:`SiteSelectError` with a message.
"""
from .errors import SiteSelectError

__all__ = ["SiteSelectError"]
