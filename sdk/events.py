"""Domain events: how tools talk to each other without importing each other.

Every event a tool emits is declared here, in the catalog, with the payload keys it carries, so
that a consumer can be written before the producer exists.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventSpec:
    name: str
    description: str
    payload: tuple[str, ...]


@dataclass(frozen=True)
class DomainEvent:
    """An event as a handler receives it; ``org_id`` is the organization it happened in."""

    name: str
    org_id: int
    payload: dict = field(default_factory=dict)
    actor_user_id: int | None = None


class UnknownEventError(ValueError):
    pass


EVENT_CATALOG: dict[str, EventSpec] = {}


def declare_event(name: str, description: str, payload: tuple[str, ...]) -> EventSpec:
    spec = EventSpec(name, description, payload)
    EVENT_CATALOG[name] = spec
    return spec


def check_event(name: str, payload: dict) -> None:
    """Refuse an undeclared event or a payload missing a declared key."""
    spec = EVENT_CATALOG.get(name)
    if spec is None:
        raise UnknownEventError(f"event {name!r} is not declared in sdk.events")
    missing = [key for key in spec.payload if key not in payload]
    if missing:
        raise UnknownEventError(f"event {name!r} is missing payload keys: {', '.join(missing)}")


declare_event("tool.enabled", "A tool was switched on for an organization.", ("tool_key",))
declare_event("tool.disabled", "A tool was switched off for an organization.", ("tool_key",))

# Clinical tools. ``site_ref`` is the site's reference in site_select's site master (carried to
# pmcp in ``site_select.activation_requested`` and on to edc); ``trial_ref`` is the trial's
# reference (protocol number or NCT id). Dates are ISO 8601 strings (YYYY-MM-DD).
declare_event("edc.subject_screened", "A subject signed consent and entered screening at a site.",
              ("trial_ref", "site_ref", "subject_ref", "screened_on"))
declare_event("edc.subject_enrolled", "A screened subject was enrolled (passed screening) at a site.",
              ("trial_ref", "site_ref", "subject_ref", "enrolled_on"))
declare_event("edc.form_completed",
              "A subject's form was completed at a site; counts feed the site's query rate.",
              ("trial_ref", "site_ref", "form_ref", "completed_on", "data_points", "queries"))
declare_event("pmcp.milestone_completed",
              "A trial milestone was completed; site milestones carry the site. ``milestone`` is one "
              "of site_selected, site_activated, first_subject_in, last_subject_in, protocol_deviation "
              "or a project milestone (site_ref empty).",
              ("trial_ref", "site_ref", "milestone", "completed_on"))
declare_event("site_select.activation_requested",
              "A shortlist was handed to project planning: create the site-activation milestones. "
              "``sites`` is a list of {site_ref, name, country, city, expected_rate}.",
              ("shortlist_id", "shortlist_name", "trial_ref", "target_enrollment", "target_lsi", "sites"))
