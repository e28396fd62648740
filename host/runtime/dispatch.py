"""Calling hooks one tool at a time, so that one failing tool never breaks another.

pluggy stops at the first exception; the host calls each implementation on its own instead,
logs a failure with the tool and organization, and counts it for the admin console. Each call
runs as that tool's code, so ``sdk.tool()`` inside it is the tool's own handle.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from sdk.tool import host_runs_tool

from .registry import PluginRegistry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HookResult:
    key: str
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def call_each(registry: PluginRegistry, hook_name: str, keys: Iterable[str], org_id: int | None = None,
              *, item_type: type | None = None, check: Callable[[Any], Any] | None = None,
              **kwargs) -> list[HookResult]:
    """Call ``hook_name`` for each tool in ``keys`` (sorted) that implements it, isolated.

    With ``item_type`` the hook must return an iterable of that type (or None); the value is
    turned into a list inside the isolation, so a lazy generator that raises, or a wrong type,
    counts as that tool's failure instead of breaking the caller. ``check`` converts or refuses
    (by raising) any other kind of value the same way.
    """
    results = []
    for key in sorted(keys):
        impl = registry.impl(hook_name, key)
        if impl is None:
            continue
        try:
            with host_runs_tool(key):
                value = impl.function(*[kwargs[name] for name in impl.argnames])
                if item_type is not None:
                    value = _as_list_of(value, item_type)
                if check is not None:
                    value = check(value)
        except Exception as exc:
            registry.records[key].count_failure(hook_name)
            log.exception("tool %s failed in hook %s for org %s", key, hook_name, org_id)
            results.append(HookResult(key, error=f"{type(exc).__name__}: {exc}"))
            continue
        results.append(HookResult(key, value=value))
    return results


def _as_list_of(value, item_type: type) -> list:
    items = [] if value is None else list(value)
    wrong = sorted({type(item).__name__ for item in items if not isinstance(item, item_type)})
    if wrong:
        raise TypeError(f"expected a list of {item_type.__name__}, got {', '.join(wrong)}")
    return items


def call_available(registry: PluginRegistry, hook_name: str, **kwargs) -> list[HookResult]:
    """Call a process-wide hook on every available tool, isolated like :func:`call_each`."""
    return call_each(registry, hook_name, [r.key for r in registry.available()], **kwargs)


def event_handlers(registry: PluginRegistry, keys: Iterable[str], event_name: str,
                   org_id: int | None = None, failures: dict[str, str] | None = None) -> dict[str, Callable]:
    """``{key: handler}`` of the tools in ``keys`` that handle ``event_name``.

    A tool whose handler table is broken is logged and counted, like any hook failure, and
    left out (its error put in ``failures`` if given); running the handlers is the outbox
    relay's job (:mod:`host.events.relay`).
    """
    handlers = {}
    for result in call_each(registry, "domain_event_handlers", keys, org_id=org_id, check=_handler_table):
        if not result.ok and failures is not None:
            failures[result.key] = result.error
        handler = result.value.get(event_name) if result.ok else None
        if handler is not None:
            handlers[result.key] = handler
    return handlers


def _handler_table(value) -> dict:
    table = {} if value is None else value
    if not isinstance(table, dict) or not all(callable(h) for h in table.values()):
        raise TypeError("domain_event_handlers must return a dict of event name to callable")
    return table
