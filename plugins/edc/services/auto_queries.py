"""Queries raised automatically from a save's soft edit checks.

For each warning of ``result`` (a ``SaveResult``: field name ``GROUP__repeat__ITEM``, message) a
query is raised on the item, unless the item has an open query already. Data entry calls it after
every successful save, in the page and the API alike, so the hook stays in one place."""
from __future__ import annotations

from .layout import SEPARATOR
from .queries import open_query_on, raise_query


def raise_auto_queries(result) -> int:
    """Raise a query for each soft warning of ``result``; answers how many were raised."""
    form = result.form
    raised = 0
    for name, message in result.warnings:
        parts = str(name).split(SEPARATOR, 2)
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        group_oid, repeat, item_oid = parts[0], int(parts[1]), parts[2]
        if open_query_on(form.id, group_oid, repeat, item_oid) is not None:
            continue
        raise_query(form.subject, message, form=form, item_oid=item_oid, group_oid=group_oid, group_repeat=repeat,
                    origin="auto", check_rights=False)
        raised += 1
    return raised
