"""The studies list: the organization's own studies and those shared with it."""
from flask import render_template
from sqlalchemy import select

from sdk import requires_permission, tool

from ..models import Study
from . import bp


@bp.get("/")
@requires_permission("view_study")
def studies():
    rows = tool().db_session().scalars(select(Study).order_by(Study.name)).all()
    return render_template("edc/studies.html", studies=rows, own_org=tool().current_org().id)
