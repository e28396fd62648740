"""Queries on a subject's data and their lifecycle, with rights by role.

New -> Updated (the site answered) -> Resolution Proposed -> Closed, or Not Applicable; a
closed or cancelled query, or a proposed resolution the monitor does not accept, is reopened
(-> New). Sites answer (``respond_queries``); monitors and data managers raise, close, cancel
and reopen (``manage_queries``). Every transition writes a message to the query's thread and,
the models being audited, an entry in the audit trail. The people who must act are notified.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sdk import tool
from sdk.notifications import declare_kind

from ..models import (
    OPEN_STATUSES,
    QUERY_ORIGINS,
    QUERY_STATUSES,
    FormInstance,
    Query,
    QueryMessage,
    StudySite,
    Subject,
)
from . import current_user_id
from .definitions import definition
from .errors import EdcInputError, NotAllowed
from .layout import field_name

TEXT_LIMIT = 4000
QUERY_OPENED = declare_kind("edc.query_opened", "A query was raised on your site's data",
                            "Sent to the site staff who work on the subject when a query is raised or reopened.")
QUERY_ANSWERED = declare_kind("edc.query_answered", "A site answered your query",
                              "Sent to the person who raised a query when the site answers it.")

#: action -> (permission, statuses it applies to, status after, words for a refusal)
TRANSITIONS = {
    "respond": ("respond_queries", OPEN_STATUSES, "updated", "answered"),
    "propose": ("respond_queries", ("new", "updated"), "proposed", "given a proposed resolution"),
    "close": ("manage_queries", OPEN_STATUSES, "closed", "closed"),
    "not_applicable": ("manage_queries", OPEN_STATUSES, "na", "marked not applicable"),
    "reopen": ("manage_queries", ("proposed", "closed", "na"), "new", "reopened"),
}
ACTION_LABELS = {"respond": "Respond", "propose": "Propose a resolution", "close": "Close",
                 "not_applicable": "Not applicable", "reopen": "Reopen"}


def _text(value: str | None, field: str, what: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    problems = EdcInputError()
    if required and not text:
        problems.add(field, f"Write {what}.")
    elif len(text) > TEXT_LIMIT:
        problems.add(field, f"Keep {what} to {TEXT_LIMIT} characters (it has {len(text)}).")
    problems.raise_if_any()
    return text


def item_of(form: FormInstance, group_oid: str | None, item_oid: str | None):
    """(group OID, ItemDef) of ``item_oid`` in ``form``'s version (in ``group_oid``, or the first
    group holding it when None); None when the form has no such item."""
    version = definition(form.version)
    form_def = version.form(form.form_oid)
    if form_def is None or not item_oid:
        return None
    for group_ref in form_def.item_group_refs:
        group = version.item_group(group_ref.item_group_oid)
        if group is not None and (group_oid in (None, group.oid)) and any(
                ref.item_oid == item_oid for ref in group.item_refs):
            item = version.item(item_oid)
            return (group.oid, item) if item is not None else None
    return None


def open_query_on(form_id: int, group_oid: str | None, group_repeat: int | None, item_oid: str | None) -> Query | None:
    """The open query on one item of a form (so a second one is not raised)."""
    return tool().db_session().scalar(select(Query).where(
        Query.form_id == form_id, Query.group_oid == group_oid, Query.group_repeat == group_repeat,
        Query.item_oid == item_oid, Query.status.in_(OPEN_STATUSES)).limit(1))


def open_queries_by_field(form_id: int) -> dict[str, Query]:
    """A form's open item queries by input name (``GROUP__repeat__ITEM``), for the entry page's
    badges and "Raise a query" links."""
    rows = tool().db_session().scalars(select(Query).where(
        Query.form_id == form_id, Query.item_oid.is_not(None), Query.status.in_(OPEN_STATUSES)).order_by(Query.id))
    return {field_name(q.group_oid, q.group_repeat or 1, q.item_oid): q for q in rows}


def study_queries(study, *, status: str = "", site_id: int | None = None, origin: str = ""):
    """The study's queries the organization sees: open ones unless ``status`` says otherwise."""
    stmt = (select(Query).join(Subject, Subject.id == Query.subject_id).join(StudySite, StudySite.id == Query.site_id)
            .where(Query.study_id == study.id).options(joinedload(Query.subject), joinedload(Query.site)))
    if status in QUERY_STATUSES:
        stmt = stmt.where(Query.status == status)
    elif status != "all":
        stmt = stmt.where(Query.status.in_(OPEN_STATUSES))
    if site_id:
        stmt = stmt.where(Query.site_id == site_id)
    if origin in QUERY_ORIGINS:
        stmt = stmt.where(Query.origin == origin)
    return stmt


def raise_query(subject: Subject, text: str, *, form: FormInstance | None = None, item_oid: str | None = None,
                group_oid: str | None = None, group_repeat: int | None = None, event_oid: str | None = None,
                origin: str = "manual", rule: str | None = None, assigned_to_id: int | None = None,
                check_rights: bool = True) -> Query:
    """Open a query on ``subject`` (on one item of ``form`` when given). A person needs
    ``manage_queries``; edit checks raise theirs on the site's behalf (``check_rights=False``)."""
    if check_rights and not tool().can("manage_queries", subject):
        raise NotAllowed("Monitors and data managers raise queries; the site answers them.")
    body = _text(text, "text", "the query")
    if origin not in QUERY_ORIGINS:
        raise ValueError(f"unknown query origin {origin!r}")
    if form is None and item_oid is not None:
        raise EdcInputError([("form_oid", "Name the form (and event) the item is on.")])
    if form is not None:
        if form.subject_id != subject.id:
            raise EdcInputError([(None, "That form is not this subject's.")])
        if item_oid is not None:
            found = item_of(form, group_oid, item_oid)
            if found is None:
                raise EdcInputError([("item_oid", f"The form has no item {item_oid}.")])
            group_oid = found[0]
            group = definition(form.version).item_group(group_oid)
            if group is not None and not group.repeating and (group_repeat or 1) != 1:
                raise EdcInputError([("group_repeat", f"{group.name} does not repeat: its row is 1.")])
        event_oid = form.event.event_oid
    query = Query(study_id=subject.study_id, site_id=subject.site_id, subject_id=subject.id,
                  form_id=form.id if form else None, event_oid=event_oid, form_oid=form.form_oid if form else None,
                  item_oid=item_oid, group_oid=group_oid if item_oid else None,
                  group_repeat=(group_repeat or 1) if item_oid else None, origin=origin, rule=rule,
                  status="new", text=body, raised_by_id=current_user_id() if origin != "auto" else None,
                  assigned_to_id=assigned_to_id)
    session = tool().db_session()
    session.add(query)
    session.flush()
    _message(query, body)
    _notify_site(query, f"Query on subject {subject.subject_key}", body)
    return query


def _message(query: Query, body: str) -> QueryMessage:
    message = QueryMessage(query_id=query.id, study_id=query.study_id, site_id=query.site_id,
                           author_id=current_user_id(), body=body, status_after=query.status)
    tool().db_session().add(message)
    tool().db_session().flush()
    return message


def allowed_actions(query: Query) -> list[str]:
    """What the acting person may do to ``query`` now (for the page's and the API's buttons)."""
    return [action for action, (permission, statuses, _, _) in TRANSITIONS.items()
            if query.status in statuses and tool().can(permission, query)]


def transition(query: Query, action: str, body: str | None) -> Query:
    """Move ``query`` on by ``action`` (see ``TRANSITIONS``) with ``body`` in its thread.

    NotAllowed (403) for a person without the right, EdcInputError (422) for an action the
    query's status does not allow, naming both."""
    if action not in TRANSITIONS:
        raise EdcInputError([("action", f"Choose one of: {', '.join(TRANSITIONS)}.")])
    permission, statuses, after, words = TRANSITIONS[action]
    if not tool().can(permission, query):
        raise NotAllowed("Sites answer queries; monitors and data managers close, cancel and reopen them."
                         if permission == "manage_queries" else "Only the site's staff answer queries.")
    if query.status not in statuses:
        raise EdcInputError([(None, f"Query {query.id} is {QUERY_STATUSES[query.status]}: it cannot be {words} "
                                    f"(only a query that is {' or '.join(QUERY_STATUSES[s] for s in statuses)}).")])
    needs_text = action in ("respond", "propose", "reopen", "not_applicable")
    text = _text(body, "body", "your message" if needs_text else "the closing note", required=needs_text)
    query.status = after
    _message(query, text or f"{QUERY_STATUSES[after]}.")
    tool().db_session().flush()
    subject = query.subject
    if action in ("respond", "propose"):
        _notify_monitors(query, f"Subject {subject.subject_key}: query {query.id} "
                         f"{'has a proposed resolution' if action == 'propose' else 'was answered'}", text)
    elif action == "reopen":
        _notify_site(query, f"Query {query.id} on subject {subject.subject_key} was reopened", text)
    return query


def _notify_site(query: Query, subject: str, body: str) -> int:
    """Tell the people who answer this query: every holder of ``respond_queries`` on its
    subject's site, in the sponsor's organization and in the organizations the study or that
    site is shared with (the site's coordinators and investigators)."""
    return _notify_holders("respond_queries", QUERY_OPENED.key, subject, body, query)


def _notify_monitors(query: Query, subject: str, body: str) -> int:
    """Tell the people who close queries (monitors, data managers), wherever they work."""
    return _notify_holders("manage_queries", QUERY_ANSWERED.key, subject, body, query)


def _notify_holders(permission: str, kind: str, subject: str, body: str, query: Query) -> int:
    link = url_for("edc.query_page", query_id=query.id, org=tool().current_org().slug)
    return tool().notifications.notify_holders(permission, query, kind=kind, subject=subject[:200],
                                               body=body[:2000], link=link)
