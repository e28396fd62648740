"""Tables: one page of a query, sorted by a column the person chose, with URLs that keep the
page's filters, so every list pages, sorts and can be bookmarked the same way.

In the view::

    from sdk.tables import Column, table_page

    COLUMNS = (Column("name", "Site", Site.name), Column("country", "Country", Site.country, width="7rem"),
               Column("trials", "Trials", numeric=True))          # no expression: not sortable

    page = table_page(tool().db_session(), select(Site).where(...), COLUMNS, default_sort="name")

and in the template, one call of the kit's macro renders the header (sort links with
``aria-sort``), the rows (your ``caller``), the pager and the empty state::

    {% from "kit/table.html" import data_table %}
    {% call(site) data_table(page, caption="Sites", empty="No sites yet.", empty_action=(
           "Import AACT files", url_for("site_select.imports"))) %}
      <td><a href="...">{{ site.name }}</a></td><td>{{ site.country }}</td><td class="num">...</td>
    {% endcall %}

The query string carries ``sort`` (a column key, ``-key`` for descending) and ``page``; unknown
or malformed values fall back to the default instead of failing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any

from flask import request, url_for
from sqlalchemy import func, select

PER_PAGE = 25


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: What to sort by: an SQL expression (:func:`table_page`) or a function of an item
    #: (:func:`list_page`); None: the column cannot be sorted.
    sort_by: Any = None
    numeric: bool = False
    #: A CSS width ("8rem", "20%") so a wide table fits a 1280-pixel window.
    width: str | None = None

    @property
    def sortable(self) -> bool:
        return self.sort_by is not None


@dataclass(frozen=True)
class TablePage:
    columns: tuple[Column, ...]
    items: list
    total: int
    page: int
    pages: int
    sort: str
    descending: bool
    per_page: int = PER_PAGE
    endpoint: str = ""
    args: dict = field(default_factory=dict)

    def url(self, **changes) -> str:
        """This page's URL with ``changes`` (``page=2``, ``sort="-name"``), filters kept."""
        args = {**self.args, "sort": ("-" if self.descending else "") + self.sort, "page": self.page}
        args.update({k: v for k, v in changes.items() if v is not None})
        if args["page"] == 1:
            del args["page"]
        return url_for(self.endpoint, **args)

    def sort_url(self, column: Column) -> str:
        descending = column.key == self.sort and not self.descending
        return self.url(sort=("-" if descending else "") + column.key, page=1)

    def aria_sort(self, column: Column) -> str:
        if column.key != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


def sort_choice(value: str | None, columns, default_sort: str) -> tuple[Column, bool]:
    """The column and direction named by ``?sort=`` (``-key`` descending), else the default."""
    by_key = {c.key: c for c in columns if c.sortable}
    text = (value or "").strip()
    descending = text.startswith("-")
    column = by_key.get(text.lstrip("-"))
    if column is None:
        descending = default_sort.startswith("-")
        column = by_key[default_sort.lstrip("-")]
    return column, descending


def _page_numbers(total: int, per_page: int) -> tuple[int, int]:
    pages = max(ceil(total / per_page), 1)
    return min(max(request.args.get("page", 1, type=int) or 1, 1), pages), pages


def _kept_args() -> dict:
    args = {k: v for k, v in request.args.items() if k not in ("page", "sort") and v}
    args.update(request.view_args or {})
    return args


def list_page(items, columns, *, default_sort: str, per_page: int = PER_PAGE) -> TablePage:
    """:func:`table_page` for a list computed in Python (a ranking): each sortable column's
    ``sort_by`` is a function of an item. The sort is stable, so ties keep the list's order."""
    columns = tuple(columns)
    column, descending = sort_choice(request.args.get("sort"), columns, default_sort)
    ordered = sorted(items, key=column.sort_by, reverse=descending)
    page, pages = _page_numbers(len(ordered), per_page)
    start = (page - 1) * per_page
    return TablePage(columns, ordered[start:start + per_page], len(ordered), page, pages, column.key, descending,
                     per_page, request.endpoint, _kept_args())


def table_page(session, stmt, columns, *, default_sort: str, per_page: int = PER_PAGE, tiebreak=None,
               scalars: bool = True) -> TablePage:
    """Run ``stmt`` for the page and sort of the current request (``?page=``, ``?sort=``).

    ``tiebreak`` (for example ``Model.id``) keeps the order stable between pages; a page number
    beyond the last shows the last page. ``scalars=False`` returns rows instead of entities.
    """
    columns = tuple(columns)
    column, descending = sort_choice(request.args.get("sort"), columns, default_sort)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page, pages = _page_numbers(total, per_page)
    order = [column.sort_by.desc() if descending else column.sort_by.asc()]
    if tiebreak is not None:
        order.append(tiebreak)
    ordered = stmt.order_by(None).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    result = session.scalars(ordered) if scalars else session.execute(ordered)
    return TablePage(columns, list(result), total, page, pages, column.key, descending, per_page,
                     request.endpoint, _kept_args())
