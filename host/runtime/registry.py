"""Discovery: find tools through entry points, validate them, register the good ones.

A plugin that fails to import, has an invalid manifest, needs an unsupported SDK API level,
claims a key another plugin claims or implements an unknown hook is kept as an unavailable
record with the reason; the host starts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Callable

import pluggy

from sdk import hookspecs
from sdk.events import EVENT_CATALOG, EventSpec
from sdk.manifest import SUPPORTED_API_LEVELS, Manifest

ENTRY_POINT_GROUP = "trialoffice.plugins"
log = logging.getLogger(__name__)


@dataclass
class PluginRecord:
    key: str
    origin: str
    manifest: Manifest | None = None
    plugin: object | None = None
    reason: str | None = None
    #: Failures per hook name since the process started (shown on the admin console).
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.reason is None

    @property
    def version(self) -> str:
        return self.manifest.version if self.manifest else ""

    @property
    def api_level(self) -> int | None:
        return self.manifest.api_level if self.manifest else None

    def count_failure(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1


@dataclass(frozen=True)
class Candidate:
    """A plugin found but not loaded yet: its key, where it comes from and how to load it."""

    name: str
    target: str
    origin: str
    load: Callable[[], object]


def find_candidates(extra: list | None = None) -> list[Candidate]:
    """Entry points of the plugin group, then ``extra`` modules, sorted by key."""
    found = [Candidate(ep.name, ep.value, f"entry point {ep.value}", ep.load)
             for ep in entry_points(group=ENTRY_POINT_GROUP)]
    for plugin in extra or ():
        manifest = getattr(plugin, "manifest", None)
        module = getattr(plugin, "__name__", repr(plugin))
        name = getattr(manifest, "key", None)
        found.append(Candidate(name if isinstance(name, str) else module, module, f"module {module}",
                               lambda p=plugin: p))
    return sorted(found, key=lambda c: c.name)


class PluginRegistry:
    """One pluggy manager per app, plugins registered once, in sorted order."""

    def __init__(self):
        self.pm = pluggy.PluginManager("trialoffice")
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self._impls: dict[str, dict[str, object]] = {}
        #: Events declared in the manifests of the available tools (the platform's are in sdk.events).
        self.tool_events: dict[str, EventSpec] = {}

    @classmethod
    def discover(cls, only: list[str] | None = None, extra: list | None = None) -> "PluginRegistry":
        registry = cls()
        by_name: dict[str, list[Candidate]] = {}
        for candidate in find_candidates(extra):
            if only is None or candidate.name in only:
                same = by_name.setdefault(candidate.name, [])
                if all(c.target != candidate.target for c in same):
                    same.append(candidate)
        for name, candidates in by_name.items():
            if len(candidates) == 1:
                registry._add(candidates[0])
            else:
                registry._refuse_duplicates(name, candidates)
        return registry

    def _refuse_duplicates(self, name: str, candidates: list[Candidate]) -> None:
        origins = ", ".join(c.origin for c in candidates)
        self.records[name] = PluginRecord(key=name, origin=origins,
                                          reason=f"several plugins claim the key {name!r}: {origins}")
        log.error("plugin %s unavailable: %s", name, self.records[name].reason)

    def _add(self, candidate: Candidate) -> None:
        record = PluginRecord(key=candidate.name, origin=candidate.origin)
        self.records[candidate.name] = record
        try:
            record.plugin = candidate.load()
        except Exception as exc:  # a broken plugin must not stop the host
            record.reason = f"import failed: {type(exc).__name__}: {exc}"
        else:
            try:
                record.reason = (self._manifest_problem(candidate.name, record.plugin, record)
                                 or self._register(candidate.name, record.plugin)
                                 or self._add_events(record.manifest))
            except Exception as exc:
                record.reason = f"could not be validated: {type(exc).__name__}: {exc}"
        if record.reason:
            log.error("plugin %s unavailable: %s", candidate.name, record.reason)

    @staticmethod
    def _manifest_problem(name: str, plugin, record: PluginRecord) -> str | None:
        manifest = getattr(plugin, "manifest", None)
        if not isinstance(manifest, Manifest):
            return "no manifest: the module must define `manifest = sdk.Manifest(...)`"
        try:
            problems = manifest.problems()
        except Exception as exc:
            problems = [f"{type(exc).__name__}: {exc}"]
        if problems:
            return "invalid manifest: " + "; ".join(problems)
        record.manifest = manifest
        if manifest.key != name:
            return f"entry point name {name!r} does not match manifest key {manifest.key!r}"
        if manifest.api_level not in SUPPORTED_API_LEVELS:
            levels = ", ".join(str(level) for level in sorted(SUPPORTED_API_LEVELS))
            return f"needs SDK API level {manifest.api_level}; this host supports {levels}"
        return None

    def _register(self, name: str, plugin) -> str | None:
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:
            return "hook validation failed: " + " ".join(str(exc).split())
        self._impls = {}
        callers = self.pm.get_hookcallers(plugin) or []
        unknown = sorted(c.name for c in callers if c.spec is None)
        wrappers = sorted(c.name for c in callers for i in c.get_hookimpls()
                          if i.plugin is plugin and (i.hookwrapper or i.wrapper))
        if unknown or wrappers:
            self.pm.unregister(plugin)
            if unknown:
                return f"implements unknown hooks: {', '.join(unknown)}"
            return f"hook wrappers are not supported: {', '.join(wrappers)}"
        return None

    def _add_events(self, manifest: Manifest) -> str | None:
        """Put the tool's own events in this registry's catalog (each already validated with
        the manifest); a name declared twice makes the tool unavailable."""
        names = [spec.name for spec in manifest.events]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            self.pm.unregister(name=manifest.key)
            self._impls = {}
            return f"invalid manifest: events declared twice: {', '.join(twice)}"
        self.tool_events.update({spec.name: spec for spec in manifest.events})
        return None

    def event_catalog(self) -> dict[str, EventSpec]:
        """Every event an app knows: the platform's and those of its available tools."""
        return {**self.tool_events, **EVENT_CATALOG}

    def mark_unavailable(self, key: str, reason: str) -> None:
        record = self.records[key]
        record.reason = reason
        for name in [n for n in self.tool_events if n.startswith(f"{key}.")]:
            del self.tool_events[name]
        if record.plugin is not None and self.pm.is_registered(record.plugin):
            self.pm.unregister(record.plugin)
        self._impls = {}
        log.error("plugin %s unavailable: %s", key, reason)

    def available(self) -> list[PluginRecord]:
        return [r for r in self.records.values() if r.available]

    def get(self, key: str) -> PluginRecord | None:
        record = self.records.get(key)
        return record if record and record.available else None

    def manifest(self, key: str) -> Manifest | None:
        record = self.get(key)
        return record.manifest if record else None

    def impl(self, hook_name: str, key: str):
        """The implementation of ``hook_name`` by available plugin ``key``, or None."""
        if self.get(key) is None:
            return None
        by_plugin = self._impls.get(hook_name)
        if by_plugin is None:
            by_plugin = {}
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                by_plugin.setdefault(impl.plugin_name, impl)
            self._impls[hook_name] = by_plugin
        return by_plugin.get(key)
