"""Shortlists: sites picked from a ranking for one trial, and the hand-off to project planning.

The hand-off emits ``site_select.activation_requested`` (declared in ``sdk.events``); pmcp,
when the organization has it enabled, creates the site-activation milestones from it.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from sdk import tool, utcnow

from ..domain import ScoredSite
from ..models import Shortlist, ShortlistEntry, Site
from .errors import SiteSelectError
from .ownership import creator_id, require_may_change

PMCP = "pmcp"
ACTIVATION_EVENT = "site_select.activation_requested"


def list_shortlists() -> list[Shortlist]:
    return list(tool().db_session().scalars(select(Shortlist).order_by(Shortlist.created_at.desc(),
                                                                            Shortlist.id.desc())))


def get_shortlist(shortlist_id: int) -> Shortlist | None:
    return tool().db_session().get(Shortlist, shortlist_id)


def create_shortlist(name: str, spec: dict, picks: Iterable[ScoredSite | int], *,
                     trial_ref: str = "") -> Shortlist:
    """Save the picked sites in ranking order; ``picks`` are scored sites or site ids. Every
    problem is reported at once, under the field it belongs to (``name``, ``trial_ref``, ``site_ids``)."""
    name, trial_ref = (name or "").strip(), (trial_ref or "").strip()
    picks = list(picks)
    problems: list[tuple[str, str]] = []
    if not name:
        problems.append(("name", "a shortlist needs a name"))
    elif len(name) > 200:
        problems.append(("name", "a shortlist name can have at most 200 characters"))
    if len(trial_ref) > 64:
        problems.append(("trial_ref", "the trial reference can have at most 64 characters"))
    if not picks:
        problems.append(("site_ids", "pick at least one site for the shortlist"))
    session = tool().db_session()
    if name and session.scalar(select(Shortlist.id).where(Shortlist.name == name)) is not None:
        problems.append(("name", f"a shortlist named {name!r} already exists"))
    ids = [p.site.site_id if isinstance(p, ScoredSite) else p for p in picks]
    known = set(session.scalars(select(Site.id).where(Site.id.in_(ids)))) if ids else set()
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        problems.append(("site_ids", f"unknown site id(s): {', '.join(unknown[:5])}"))
    if len(set(ids)) != len(ids):
        problems.append(("site_ids", "a site can be on a shortlist only once"))
    if problems:
        raise SiteSelectError.of(problems)
    shortlist = Shortlist(name=name, trial_ref=trial_ref, spec=dict(spec), created_by_id=creator_id())
    session.add(shortlist)
    session.flush()
    for position, pick in enumerate(picks, start=1):
        scored = pick if isinstance(pick, ScoredSite) else None
        session.add(ShortlistEntry(shortlist_id=shortlist.id, site_id=ids[position - 1], position=position,
                                   score=scored.score if scored else None,
                                   expected_rate=scored.metrics.enrollment_rate if scored else None))
    session.flush()
    session.expire(shortlist, ["entries"])
    return shortlist


def remove_entry(shortlist: Shortlist, site_id: int) -> None:
    entry = next((e for e in shortlist.entries if e.site_id == site_id), None)
    if entry is None:
        raise SiteSelectError("that site is not on this shortlist")
    if len(shortlist.entries) == 1:
        raise SiteSelectError("a shortlist keeps at least one site; delete the shortlist instead")
    session = tool().db_session()
    shortlist.entries.remove(entry)
    session.flush()


def delete_shortlist(shortlist: Shortlist) -> None:
    require_may_change(shortlist, "shortlist")
    session = tool().db_session()
    session.delete(shortlist)
    session.flush()


def can_hand_off() -> bool:
    """Whether project planning (pmcp) serves this organization, so the hand-off has a receiver."""
    return tool().serves(PMCP)


def hand_off(shortlist: Shortlist, forecast_rates: dict[int, float] | None = None) -> None:
    """Ask pmcp to create the site-activation milestones for the shortlist's sites."""
    if not can_hand_off():
        raise SiteSelectError("project planning (pmcp) is not enabled for this organization")
    if shortlist.handed_off_at is not None:
        raise SiteSelectError("this shortlist was already handed to project planning")
    rates = forecast_rates or {}
    spec = shortlist.spec or {}
    tool().events.emit(ACTIVATION_EVENT, {
        "shortlist_id": shortlist.id, "shortlist_name": shortlist.name,
        "trial_ref": shortlist.trial_ref, "target_enrollment": spec.get("target_enrollment"),
        "target_lsi": spec.get("target_lsi") or None,
        "sites": [{"site_ref": entry.site.ref, "name": entry.site.name, "country": entry.site.country,
                   "city": entry.site.city, "expected_rate": rates.get(entry.site_id, entry.expected_rate)}
                  for entry in shortlist.entries],
    })
    shortlist.handed_off_at = utcnow()
    tool().db_session().flush()
