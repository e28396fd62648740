"""The hooks a tool implements. This file is the reference: one function per hook.

Argument names are the same everywhere: ``org`` is an :class:`sdk.services.OrgRef`, ``user`` a
:class:`sdk.services.UserRef`. Implement only the hooks you need, and take only the arguments you
use. Hooks marked *org-scoped* are called only for tools enabled for that organization, each tool
on its own, so one failing tool never breaks a page or another tool.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("trialoffice")
hookimpl = pluggy.HookimplMarker("trialoffice")


@hookspec
def tool_blueprint():
    """Return the tool's Flask blueprint of pages; the host mounts it at ``/o/<org>/<key>/``."""


@hookspec
def tool_api_blueprint():
    """Return the tool's JSON API blueprint; the host mounts it at ``/api/v1/o/<org>/<key>/``."""


@hookspec
def migrations_dir():
    """Return the folder of the tool's Alembic revisions (a branch labelled with the tool key)."""


@hookspec
def navigation_items(org, user):
    """*Org-scoped.* Return a list of :class:`sdk.NavItem` for the organization's navigation."""


@hookspec
def dashboard_widgets(org, user):
    """*Org-scoped.* Return a list of :class:`sdk.Widget` for the organization home page.

    Each widget names one of the tool's own templates; the host renders it, autoescaped."""


@hookspec
def tool_enabled(org, user):
    """*Org-scoped.* Called after an organization switches the tool on (data setup only)."""


@hookspec
def tool_disabled(org, user):
    """*Org-scoped.* Called after an organization switches the tool off; keep the data."""


@hookspec
def domain_event_handlers():
    """Return ``{event_name: handler(event)}``; each runs once per event, after the emit commits.

    Each handler runs in its own transaction, in the organizations where the tool serves and
    those a grant lets see the event's record (``docs/sdk/events.md``).
    """


@hookspec
def job_handlers():
    """Return ``{kind: function(progress, **params)}``: the jobs ``tool().jobs.start`` may start."""


@hookspec
def cli_commands():
    """Return a list of click commands; they appear under ``trialoffice tools <key> ...``."""


@hookspec
def demo_data(org, user):
    """*Org-scoped.* Fill the organization with demo records (``trialoffice demo``)."""


@hookspec
def demo_data_shared(org, user):
    """*Org-scoped.* Add demo records that need the demo's shares accepted.

    Called after every tool's ``demo_data`` and after the host accepted the shares between demo
    organizations and gave the demo roles (a site organization files into its sponsor's study)."""
