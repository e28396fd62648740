"""What the visit log does, for its pages and its API alike: every rule checked once, here, and
every problem reported at once with the field it belongs to (``InputProblems``)."""
from datetime import date

from sqlalchemy import func, select

from sdk import tool, utcnow
from sdk.forms import InputProblems

from .models import KINDS, Visit


def _checked(data: dict) -> dict:
    problems = InputProblems()
    site = (data.get("site") or "").strip()
    if not site:
        problems.add("site", "Enter the site's name or number.")
    elif len(site) > 120:
        problems.add("site", "Keep the site to 120 characters.")
    visited_on = data.get("visited_on")
    if isinstance(visited_on, str):
        try:
            visited_on = date.fromisoformat(visited_on)
        except ValueError:
            visited_on = None
    if not isinstance(visited_on, date):
        problems.add("visited_on", "Enter the visit date, for example 2026-03-14.")
    elif visited_on > utcnow().date():
        problems.add("visited_on", "A visit is logged after it took place: the date is in the future.")
    if data.get("kind") not in KINDS:
        problems.add("kind", "Choose the kind of visit.")
    findings = (data.get("findings") or "").strip()
    if len(findings) > 5000:
        problems.add("findings", "Keep the findings to 5,000 characters.")
    problems.raise_if_any()
    return {"site": site, "visited_on": visited_on, "kind": data["kind"], "findings": findings}


def log_visit(data: dict) -> Visit:
    """A new visit, logged by the signed-in user (not committed: the view commits)."""
    visit = Visit(**_checked(data), logged_by_id=tool().current_user().id)
    tool().db_session().add(visit)
    tool().db_session().flush()
    return visit


def change_visit(visit: Visit, data: dict) -> None:
    """Change a logged visit; the caller wraps it in ``reason_for_change``."""
    for name, value in _checked(data).items():
        setattr(visit, name, value)
    tool().db_session().flush()


def get_visit(visit_id: int) -> Visit | None:
    return tool().db_session().get(Visit, visit_id)


def visit_count() -> int:
    return tool().db_session().scalar(select(func.count(Visit.id))) or 0
