"""The job functions a tool declares (hook ``job_handlers``), found one tool at a time.

The hook is asked each time a job starts or runs (a dict, built in microseconds), so a tool
switched off or uninstalled since is noticed; a broken hook counts as the tool's failure
(:func:`host.runtime.dispatch.call_each`) and means the tool declares no jobs.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

from flask import current_app

from sdk.jobs import KIND_PATTERN

from ..runtime.dispatch import call_each


def _handler_table(value) -> dict:
    table = {} if value is None else value
    if not isinstance(table, dict) or not all(isinstance(kind, str) and KIND_PATTERN.match(kind)
                                              and callable(function) for kind, function in table.items()):
        raise TypeError("job_handlers must return a dict of kind (a-z, 0-9, _) to callable")
    return table


def job_handler(tool_key: str, kind: str) -> Callable | None:
    """The function of ``tool_key``'s job ``kind``, or None when the tool declares no such job."""
    registry = current_app.extensions["trialoffice.registry"]
    if registry.manifest(tool_key) is None:
        return None
    for result in call_each(registry, "job_handlers", [tool_key], check=_handler_table):
        if result.ok:
            return result.value.get(kind)
    return None


def job_label(function: Callable, kind: str) -> str:
    """What the progress page calls the job: the first line of the function's docstring, else
    its kind ("aact_import" -> "Aact import")."""
    doc = inspect.getdoc(function)
    line = doc.strip().splitlines()[0].strip().rstrip(".") if doc and doc.strip() else ""
    return (line or kind.replace("_", " ").capitalize())[:200]
