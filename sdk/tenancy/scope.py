"""Which organization the current code runs as: :func:`org_scope`, :func:`all_organizations`.

A scope is live only while the block that opened it is running. Each block records the frame of
its ``with`` statement, and a scope counts only while that frame is on the call stack. So a
generator suspended inside ``with all_organizations():`` (or a block entered by hand and never
left) does not lend its scope to the code that resumed it: the caller keeps its own scope.
Inside a request the host's organization (``flask.g.tenant_org_id``) applies when no block does.
"""
from __future__ import annotations

import sys
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType

from flask import g, has_app_context


class TenantScopeError(RuntimeError):
    """A tenant table was read or written in a way the SDK cannot confine to one organization."""


@dataclass(frozen=True)
class _Scope:
    org_id: int | None  # None: every organization
    frame: FrameType


_scopes: ContextVar[tuple[_Scope, ...]] = ContextVar("trialoffice_scopes", default=())


class _ScopeBlock:
    def __init__(self, org_id: int | None):
        self._org_id = org_id
        self._scope: _Scope | None = None
        self._token = None

    def __enter__(self):
        self._scope = _Scope(self._org_id, sys._getframe(1))
        self._token = _scopes.set(_scopes.get() + (self._scope,))
        return self

    def __exit__(self, *exc) -> None:
        try:
            _scopes.reset(self._token)
        except ValueError:  # left in another context (a generator closed elsewhere): drop ours only
            _scopes.set(tuple(s for s in _scopes.get() if s is not self._scope))


def org_scope(org_id: int) -> _ScopeBlock:
    """Run the block as organization ``org_id`` (background jobs, CLI, tests)."""
    if not isinstance(org_id, int) or isinstance(org_id, bool):
        raise TypeError(f"org_scope() takes an organization id, not {org_id!r}")
    return _ScopeBlock(org_id)


def all_organizations() -> _ScopeBlock:
    """Explicit opt-in to see and write every organization's rows (admin pages, sweeps, CLI)."""
    return _ScopeBlock(None)


def _live_scopes() -> list[_Scope]:
    """The recorded scopes whose ``with`` frame is running now, innermost last."""
    stack = _scopes.get()
    if not stack:
        return []
    running = set()
    frame = sys._getframe(1)
    while frame is not None:
        running.add(id(frame))
        frame = frame.f_back
    return [s for s in stack if id(s.frame) in running]


def sees_all_organizations() -> bool:
    """Whether the innermost live block is :func:`all_organizations`."""
    live = _live_scopes()
    return bool(live) and live[-1].org_id is None


def current_org_id() -> int | None:
    """The organization of the innermost live :func:`org_scope`, else the request's."""
    for scope in reversed(_live_scopes()):
        if scope.org_id is not None:
            return scope.org_id
    if has_app_context():
        return g.get("tenant_org_id")
    return None
