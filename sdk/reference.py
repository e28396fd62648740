"""The hook and service reference of the SDK, generated from the docstrings.

``python -m sdk.reference > docs/sdk/reference.md`` writes it; a test fails when the file in the
repository differs from what this prints, when a hook or service has no docstring, or when no
test exercises it. So the reference is always the code's own word.
"""
from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass

from . import hookspecs
from .documents import Documents
from .jobs import Jobs
from .notifications import Notifications
from .services import AuditTrail, CommonServices, Events, Services, Settings, Signatures, Storage
from .sharing import ToolSharing
from .tool import ToolAudit, ToolHandle
from .vault import Vault

#: The service interfaces a tool reaches, in the order the reference lists them.
SERVICE_CLASSES = tuple((cls.__module__, cls) for cls in (
    ToolHandle, ToolAudit, CommonServices, Services, Settings, Storage, Events, AuditTrail, Signatures,
    Notifications, ToolSharing, Jobs, Vault, Documents))


@dataclass(frozen=True)
class Entry:
    """One documented name: a hook, or a member of a service interface."""

    kind: str  # "hook" or "service"
    owner: str  # the module (hooks) or class (services) it belongs to
    name: str
    signature: str
    doc: str


def hook_entries() -> list[Entry]:
    found = []
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(fn, "trialoffice_spec"):
            found.append(Entry("hook", "sdk.hookspecs", name, f"{name}{_signature(fn)}",
                               inspect.getdoc(fn) or ""))
    return sorted(found, key=lambda e: inspect.getsourcelines(getattr(hookspecs, e.name))[1])


def service_entries() -> list[Entry]:
    found = []
    for module, cls in SERVICE_CLASSES:
        for name in _own_public_members(cls):
            member = inspect.getattr_static(cls, name)
            target = member.fget if isinstance(member, property) else member
            signature = name if isinstance(member, property) else f"{name}{_signature(target)}"
            found.append(Entry("service", f"{module}.{cls.__name__}", name, signature, inspect.getdoc(target) or ""))
    return found


def _own_public_members(cls) -> list[str]:
    names = [n for n, v in vars(cls).items() if not n.startswith("_") and (callable(v) or isinstance(v, property))]
    return sorted(names, key=lambda n: _line_of(vars(cls)[n]))


def _line_of(member) -> int:
    target = member.fget if isinstance(member, property) else member
    try:
        return inspect.getsourcelines(target)[1]
    except (OSError, TypeError):
        return 0


def _signature(fn) -> str:
    text = str(inspect.signature(fn)).replace("'", "")  # postponed annotations print as strings
    return text.replace("(self, ", "(").replace("(self)", "()")


def render() -> str:
    lines = ["# SDK reference: hooks and services", "",
             "Generated from the docstrings by `python -m sdk.reference > docs/sdk/reference.md`; "
             "do not edit by hand (a test compares it with the code).", "", "## Hooks", "",
             "A tool implements these with `@hookimpl` (`sdk.hookimpl`).", ""]
    for entry in hook_entries():
        lines += [f"### `{entry.signature}`", "", entry.doc, ""]
    lines += ["## Services", "", "What the host offers a tool: at level 2 through `sdk.tool()`, at level 1 "
              "through `sdk.services()`.", ""]
    owner = None
    for entry in service_entries():
        if entry.owner != owner:
            owner = entry.owner
            cls_doc = inspect.getdoc(_class_named(owner)) or ""
            lines += [f"### `{owner}`", "", cls_doc, ""]
        lines += [f"#### `{entry.signature}`", "", entry.doc or "(no docstring)", ""]
    return "\n".join(lines).rstrip() + "\n"


def _class_named(qualified: str):
    return next(cls for module, cls in SERVICE_CLASSES if f"{module}.{cls.__name__}" == qualified)


if __name__ == "__main__":
    sys.stdout.write(render())
