"""Meta-tests of the hook specifications, in the style of datasette's: ``sdk/hookspecs.py`` is the
reference, so every hook is documented, named consistently and exercised by a test."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from sdk import hookspecs

TESTS = Path(__file__).resolve().parent
ARGUMENT_NAMES = {"org", "user"}


def hook_names() -> list[str]:
    return sorted(name for name, value in vars(hookspecs).items()
                  if callable(value) and hasattr(value, "trialoffice_spec"))


def test_the_spec_file_defines_the_hooks_of_the_architecture():
    assert set(hook_names()) >= {
        "tool_blueprint", "tool_api_blueprint", "migrations_dir", "navigation_items",
        "dashboard_widgets", "tool_enabled", "tool_disabled", "domain_event_handlers",
        "cli_commands", "demo_data",
    }


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_one_line_summary(name):
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc, f"hook {name} has no docstring"
    summary = doc.splitlines()[0]
    assert summary.endswith(".") and len(summary) <= 100, summary


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_uses_the_shared_argument_names(name):
    arguments = set(inspect.signature(getattr(hookspecs, name)).parameters)
    assert arguments <= ARGUMENT_NAMES, f"{name} takes {arguments - ARGUMENT_NAMES}"
    org_scoped = "*Org-scoped.*" in inspect.getdoc(getattr(hookspecs, name))
    assert org_scoped == ("org" in arguments), f"{name}: org-scoped hooks, and only they, take org"


def _test_sources() -> dict[Path, str]:
    """Test modules and their fixture helpers; the test plugins and this file do not count."""
    return {path: path.read_text(encoding="utf-8") for path in TESTS.rglob("*.py")
            if "plugins" not in path.relative_to(TESTS).parts and path.name != Path(__file__).name}


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_exercised_by_a_test(name):
    pattern = re.compile(rf"\b{name}\b")
    users = [path.name for path, text in _test_sources().items() if pattern.search(text)]
    assert users, f"no test names the hook {name}: add one that calls it through the host"
