"""Query pages: a study's queries (filtered by status, site and origin), one query with its
thread and the actions the person may take, and raising a query on an item by hand."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.tables import Column, table_page

from ..models import QUERY_ORIGINS, QUERY_STATUSES, FormInstance, ItemValue, Query, Subject
from ..services import queries as service
from ..services.access import visible_sites, visible_study, visible_subject
from ..services.definitions import definition
from ..services.entry import event_of, form_of
from ..services.errors import EdcInputError, NotAllowed
from . import bp
from .query_forms import QueryActionForm, QueryFilters, RaiseQueryForm

COLUMNS = (
    Column("id", "No.", Query.id, numeric=True, width="4rem"),
    Column("subject", "Subject", Subject.subject_key, width="7rem"),
    Column("where", "Where", width="11rem"),
    Column("text", "Query"),
    Column("status", "Status", Query.status, width="8.5rem"),
    Column("updated", "Updated", Query.updated_at, width="8rem"),
)
#: what each message of the thread did, by the status it left the query in
MESSAGE_KINDS = {"new": "Raised", "updated": "Site response", "proposed": "Proposed resolution",
                 "closed": "Closed", "na": "Not applicable"}


def visible_query(query_id: int) -> Query | None:
    query = tool().db_session().get(Query, query_id)
    return query if query is not None and tool().can("view_study", query) else None


@bp.get("/studies/<int:study_id>/queries")
@requires_permission("view_study")
def queries(study_id: int):
    study = visible_study(study_id) or abort(404)
    form = QueryFilters(visible_sites(study), request.args)
    status, origin = request.args.get("status", ""), request.args.get("origin", "")
    site_id = request.args.get("site", type=int)
    page = table_page(tool().db_session(), service.study_queries(study, status=status, site_id=site_id, origin=origin),
                      COLUMNS, default_sort="-updated", tiebreak=Query.id)
    filtered = bool(status or site_id or origin)
    return render_template("edc/queries.html", study=study, page=page, form=form, filtered=filtered,
                           statuses=QUERY_STATUSES, origins=QUERY_ORIGINS,
                           may_manage=tool().can("manage_queries", study))


def item_context(query: Query) -> dict:
    """The item's label and current value, for the query page."""
    found = {"label": query.item_oid, "value": None, "form_name": query.form_oid}
    form = tool().db_session().get(FormInstance, query.form_id) if query.form_id else None
    if form is None:
        return found
    version = definition(form.version)
    form_def = version.form(form.form_oid)
    found["form_name"] = form_def.name if form_def else form.form_oid
    item = version.item(query.item_oid) if query.item_oid else None
    if item is not None:
        found["label"] = item.question.text or item.name
        row = tool().db_session().scalar(select(ItemValue).where(
            ItemValue.form_id == form.id, ItemValue.group_oid == query.group_oid,
            ItemValue.group_repeat == query.group_repeat, ItemValue.item_oid == query.item_oid))
        found["value"] = (row.value or row.null_flavour) if row is not None else None
    found["form"] = form
    return found


def render_query(query: Query, form=None, status: int = 200):
    return render_template("edc/query.html", query=query, item=item_context(query), form=form or QueryActionForm(),
                           actions=service.allowed_actions(query), action_labels=service.ACTION_LABELS,
                           message_kinds=MESSAGE_KINDS, me=tool().current_user().id), status


@bp.get("/queries/<int:query_id>")
@requires_permission("view_study")
def query_page(query_id: int):
    return render_query(visible_query(query_id) or abort(404))


@bp.post("/queries/<int:query_id>/<action>")
@requires_permission("view_study")
def query_action(query_id: int, action: str):
    query = visible_query(query_id) or abort(404)
    if action not in service.TRANSITIONS:
        abort(404)
    form = QueryActionForm()
    if not form.validate_on_submit():
        return render_query(query, form, 422)
    try:
        service.transition(query, action, form.body.data)
    except NotAllowed as refused:
        tool().db_session().rollback()
        abort(403, str(refused))
    except EdcInputError as problems:
        tool().db_session().rollback()
        form.absorb(problems)
        return render_query(tool().db_session().get(Query, query_id), form, 422)
    tool().db_session().commit()
    flash(f"Query {query.id} is {query.status_label}.", "success")
    return redirect(url_for(".query_page", query_id=query.id))


def _item_target(subject_id: int, event_oid: str, form_oid: str, item_oid: str):
    subject = visible_subject(subject_id) or abort(404)
    form = form_of(event_of(subject, event_oid, request.args.get("event_repeat", 1, type=int), create=False),
                   form_oid, request.args.get("form_repeat", 1, type=int))
    if form is None:
        abort(404)
    group_oid, item = service.item_of(form, request.args.get("group") or None, item_oid) or abort(404)
    return subject, form, item, group_oid, max(1, request.args.get("repeat", 1, type=int))


@bp.route("/subjects/<int:subject_id>/events/<event_oid>/forms/<form_oid>/items/<item_oid>/query",
          methods=["GET", "POST"])
@requires_permission("manage_queries")
def raise_query(subject_id: int, event_oid: str, form_oid: str, item_oid: str):
    subject, form_row, item, group_oid, repeat = _item_target(subject_id, event_oid, form_oid, item_oid)
    if not tool().can("manage_queries", subject):
        abort(403, "Monitors and data managers raise queries; the site answers them.")
    form = RaiseQueryForm()
    existing = service.open_query_on(form_row.id, group_oid, repeat, item.oid)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            query = service.raise_query(subject, form.text.data, form=form_row, item_oid=item.oid, group_oid=group_oid,
                                        group_repeat=repeat)
            tool().db_session().commit()
            flash(f"Query {query.id} raised on {item.name}; the site is notified.", "success")
            return redirect(url_for(".query_page", query_id=query.id))
        except EdcInputError as problems:
            tool().db_session().rollback()
            form.absorb(problems)
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("edc/query_raise.html", subject=subject, form_row=form_row, item=item, form=form,
                           group_oid=group_oid, repeat=repeat, existing=existing), status


from . import quality_pages  # noqa: E402,F401  (the data quality pages register their routes too)
