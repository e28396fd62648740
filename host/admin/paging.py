"""Splitting long console lists into pages of a fixed size."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from sqlalchemy import func, select

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    count: int
    total: int

    def url(self, number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def paginate(session, stmt, per_page: int = PER_PAGE) -> Page:
    """Run ``stmt`` for the page named by ``?page=`` (out-of-range numbers are clamped)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    count = max(1, -(-total // per_page))
    number = min(max(request.args.get("page", 1, type=int), 1), count)
    items = list(session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all())
    return Page(items, number, count, total)
