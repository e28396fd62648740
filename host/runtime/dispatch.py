"""Calling hooks one tool at a time, so that one failing tool never breaks another.

pluggy stops at the first exception; the host calls each implementation on its own instead,
logs a failure with the tool and organization, and counts it for the admin console.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterable

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
              **kwargs) -> list[HookResult]:
    """Call ``hook_name`` for each tool in ``keys`` (sorted) that implements it, isolated."""
    results = []
    for key in sorted(keys):
        impl = registry.impl(hook_name, key)
        if impl is None:
            continue
        try:
            value = impl.function(*[kwargs[name] for name in impl.argnames])
        except Exception as exc:
            record = registry.records[key]
            record.failures[hook_name] = record.failures.get(hook_name, 0) + 1
            log.exception("tool %s failed in hook %s for org %s", key, hook_name, org_id)
            results.append(HookResult(key, error=f"{type(exc).__name__}: {exc}"))
            continue
        results.append(HookResult(key, value=value))
    return results


def call_available(registry: PluginRegistry, hook_name: str, **kwargs) -> list[HookResult]:
    """Call a process-wide hook on every available tool, isolated like :func:`call_each`."""
    return call_each(registry, hook_name, [r.key for r in registry.available()], **kwargs)
