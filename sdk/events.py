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
