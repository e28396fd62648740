"""Discovery: find tools through entry points, validate them, register the good ones.

A plugin that fails to import, has an invalid manifest, needs an unsupported SDK API level or
implements an unknown hook is kept as an unavailable record with the reason; the host starts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from sdk import hookspecs
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


class PluginRegistry:
    """One pluggy manager per app, plugins registered once, in sorted order."""

    def __init__(self):
        self.pm = pluggy.PluginManager("trialoffice")
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}

    @classmethod
    def discover(cls, only: list[str] | None = None, extra: list | None = None) -> "PluginRegistry":
        registry = cls()
        candidates = [(ep.name, f"entry point {ep.value}", ep.load) for ep in entry_points(group=ENTRY_POINT_GROUP)]
        for plugin in extra or ():
            manifest = getattr(plugin, "manifest", None)
            name = getattr(manifest, "key", None) or getattr(plugin, "__name__", repr(plugin))
            candidates.append((name, f"module {getattr(plugin, '__name__', plugin)}", lambda p=plugin: p))
        for name, origin, load in sorted(candidates, key=lambda c: c[0]):
            if only is not None and name not in only:
                continue
            registry._add(name, origin, load)
        return registry

    def _add(self, name: str, origin: str, load) -> None:
        record = PluginRecord(key=name, origin=origin)
        self.records[name] = record
        try:
            plugin = load()
        except Exception as exc:  # a broken plugin must not stop the host
            record.reason = f"import failed: {type(exc).__name__}: {exc}"
            log.error("plugin %s unavailable: %s", name, record.reason)
            return
        record.plugin = plugin
        record.reason = self._manifest_problem(name, plugin, record)
        if record.reason is None:
            record.reason = self._register(name, plugin)
        if record.reason:
            log.error("plugin %s unavailable: %s", name, record.reason)

    @staticmethod
    def _manifest_problem(name: str, plugin, record: PluginRecord) -> str | None:
        manifest = getattr(plugin, "manifest", None)
        if not isinstance(manifest, Manifest):
            return "no manifest: the module must define `manifest = sdk.Manifest(...)`"
        problems = manifest.problems()
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
            return f"hook validation failed: {exc}"
        unknown = [c.name for c in self.pm.get_hookcallers(plugin) or [] if c.spec is None]
        if unknown:
            self.pm.unregister(plugin)
            return f"implements unknown hooks: {', '.join(sorted(unknown))}"
        return None

    def mark_unavailable(self, key: str, reason: str) -> None:
        record = self.records[key]
        record.reason = reason
        if record.plugin is not None and self.pm.is_registered(record.plugin):
            self.pm.unregister(record.plugin)
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
        """The implementation of ``hook_name`` by plugin ``key``, or None."""
        record = self.get(key)
        if record is None:
            return None
        caller = getattr(self.pm.hook, hook_name)
        return next((i for i in caller.get_hookimpls() if i.plugin_name == key), None)
