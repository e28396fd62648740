"""The dashboard widget: how big the site master is, with links to rank and import."""
from __future__ import annotations

from flask import url_for
from markupsafe import Markup
from sqlalchemy import func, select

from sdk import tool

from ..models import Shortlist, Site, TrialHistory


def counts() -> dict[str, int]:
    session = tool().db_session()
    return {"sites": session.scalar(select(func.count(Site.id))) or 0,
            "history": session.scalar(select(func.count(TrialHistory.id))) or 0,
            "shortlists": session.scalar(select(func.count(Shortlist.id))) or 0}


def widget_html() -> str:
    numbers = counts()
    return Markup(
        '<p>{sites:,} sites, {history:,} trial records, {shortlists} shortlists.</p>'
        '<p><a class="button" href="{rank}">Rank sites for a trial</a> '
        '<a class="button secondary" href="{directory}">Site directory</a></p>'
    ).format(rank=url_for("site_select.rank_form"), directory=url_for("site_select.directory"), **numbers)
