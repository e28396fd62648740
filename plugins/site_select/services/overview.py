"""The dashboard widget: how big the site master is, with links to rank and import."""
from __future__ import annotations

from sqlalchemy import func, select

from sdk import Widget, tool

from ..models import Shortlist, Site, TrialHistory


def counts() -> dict[str, int]:
    session = tool().db_session()
    return {"sites": session.scalar(select(func.count(Site.id))) or 0,
            "history": session.scalar(select(func.count(TrialHistory.id))) or 0,
            "shortlists": session.scalar(select(func.count(Shortlist.id))) or 0}


def widget() -> Widget:
    """The home page's panel, rendered by the host from ``site_select/_widget.html``."""
    return Widget("Site selection", template="site_select/_widget.html", context={"counts": counts()}, order=50)
