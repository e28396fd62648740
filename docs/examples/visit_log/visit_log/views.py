"""The visit log's pages: the list, the new-visit form and a visit's page (change, sign, history)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.audit import ReasonRequiredError, reason_for_change
from sdk.forms import InputProblems
from sdk.tables import Column, table_page

from .forms import VisitForm
from .models import KINDS, Visit
from .services import change_visit, get_visit, log_visit

bp = Blueprint("visit_log", __name__, template_folder="templates", static_folder="static")
bp.context_processor(lambda: {"kinds": KINDS})

COLUMNS = (Column("site", "Site", Visit.site), Column("visited_on", "Visit date", Visit.visited_on, width="9rem"),
           Column("kind", "Kind", Visit.kind, width="12rem"), Column("findings", "Findings"))


@bp.get("/")
@requires_permission("view")
def index():
    page = table_page(tool().db_session(), select(Visit), COLUMNS, default_sort="-visited_on", tiebreak=Visit.id)
    return render_template("visit_log/index.html", page=page, can_log=tool().can("log"))


@bp.get("/visits/new")
@requires_permission("log")
def new_visit():
    return render_template("visit_log/visit_form.html", form=VisitForm())


@bp.post("/visits")
@requires_permission("log")
def create_visit():
    form = VisitForm()
    if form.validate_on_submit():
        try:
            visit = log_visit(form.data)
            tool().db_session().commit()
            flash(f"Logged the visit to {visit.site}.", "success")
            return redirect(url_for("visit_log.visit_page", visit_id=visit.id), 303)
        except InputProblems as problems:
            tool().db_session().rollback()
            form.absorb(problems)
    return render_template("visit_log/visit_form.html", form=form), 422


def _visit(visit_id: int) -> Visit:
    visit = get_visit(visit_id)
    if visit is None:
        abort(404)
    return visit


@bp.get("/visits/<int:visit_id>")
@requires_permission("view")
def visit_page(visit_id: int):
    visit = _visit(visit_id)
    return render_template("visit_log/visit.html", visit=visit, form=VisitForm(obj=visit), can_log=tool().can("log"))


@bp.post("/visits/<int:visit_id>")
@requires_permission("log")
def change_visit_page(visit_id: int):
    visit, form = _visit(visit_id), VisitForm()
    if form.validate_on_submit():
        try:
            with reason_for_change(form.reason.data):
                change_visit(visit, form.data)
                tool().db_session().commit()
            flash("Saved the change.", "success")
            return redirect(url_for("visit_log.visit_page", visit_id=visit_id), 303)
        except InputProblems as problems:
            tool().db_session().rollback()
            form.absorb(problems)
        except ReasonRequiredError:
            tool().db_session().rollback()
            form.absorb(InputProblems([("reason", "Say why you change a logged visit.")]))
    return render_template("visit_log/visit.html", visit=_visit(visit_id), form=form, can_log=True), 422
