"""The import rules of the architecture, read from the syntax tree of every module.

1. ``sdk`` imports neither ``host`` nor any plugin (and of third-party code only what it declares).
2. A plugin (``plugins/<key>``, ``tests/plugins/<key>``) imports ``sdk`` and its own package,
   never ``host`` and never another plugin.
3. ``host`` never imports a plugin by name: it finds them through entry points.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Flask and its own dependencies, pluggy, SQLAlchemy, and packaging for PEP 440 versions;
#: the kit's chart library (sdk/charts.py: pygal, and CairoSVG for PNGs).
SDK_THIRD_PARTY = {"flask", "werkzeug", "click", "jinja2", "markupsafe", "pluggy", "sqlalchemy", "packaging", "marshmallow", "flask_wtf", "wtforms",
                   "pygal", "cairosvg"}
SDK_TESTING_THIRD_PARTY = SDK_THIRD_PARTY | {"pytest", "playwright"}


def module_of(path: Path, root: Path = ROOT) -> tuple[str, str]:
    """``(module name, package name)`` of a source file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def imported_names(source: str, package: str) -> set[str]:
    """Every module ``source`` imports, relative imports resolved, ``from a import b`` giving
    both ``a`` and ``a.b``; literal ``importlib.import_module``/``__import__`` calls included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return {name for name in found if name}


def _is_dynamic_import(func) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _plugin_of(name: str, area: str) -> str | None:
    """The plugin key ``name`` belongs to inside ``area`` (``plugins`` or ``tests.plugins``)."""
    if not name.startswith(area + "."):
        return None
    return name[len(area) + 1:].split(".")[0]


def broken_rules(module: str, imports: set[str]) -> list[str]:
    """What the imports of ``module`` break, one message per offending import."""
    problems = []
    for name in sorted(imports):
        if _under(module, "sdk"):
            if any(_under(name, top) for top in ("host", "plugins", "tests")):
                problems.append(f"sdk module {module} imports {name}")
            else:
                top = name.split(".")[0]
                allowed = SDK_TESTING_THIRD_PARTY if _under(module, "sdk.testing") else SDK_THIRD_PARTY
                if top != "sdk" and top not in sys.stdlib_module_names and top not in allowed:
                    problems.append(f"sdk module {module} depends on {name}")
        elif _under(module, "host"):
            if any(_under(name, top) for top in ("plugins", "tests")):
                problems.append(f"host module {module} imports plugin {name}")
        else:
            for area in ("tests.plugins", "plugins"):
                own = _plugin_of(module, area)
                if own is None:
                    continue
                if _under(name, "host"):
                    problems.append(f"plugin module {module} imports {name}")
                other = _plugin_of(name, "plugins") or _plugin_of(name, "tests.plugins")
                if other is not None and (other != own or _plugin_of(name, area) is None):
                    problems.append(f"plugin module {module} imports another plugin: {name}")
                elif _under(name, "tests") and not _under(name, "tests.plugins"):
                    problems.append(f"plugin module {module} imports test code: {name}")
                break
    return problems


def checked_files() -> list[Path]:
    folders = [ROOT / "sdk", ROOT / "host", ROOT / "plugins", ROOT / "tests" / "plugins"]
    return sorted(p for folder in folders if folder.exists() for p in folder.rglob("*.py"))


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_keeps_the_import_rules(path):
    module, package = module_of(path)
    assert broken_rules(module, imported_names(path.read_text(encoding="utf-8"), package)) == []


def test_every_area_is_checked():
    areas = {module_of(p)[0].split(".")[0] for p in checked_files()}
    assert {"sdk", "host", "plugins", "tests"} <= areas
    assert any(module_of(p)[0].startswith("tests.plugins.testtool") for p in checked_files())


@pytest.mark.parametrize("module, source, expected", [
    ("sdk.views", "import host.db", "sdk module sdk.views imports host.db"),
    ("sdk.views", "from plugins import edc", "sdk module sdk.views imports plugins"),
    ("sdk.views", "import importlib\nimportlib.import_module('host.app')",
     "sdk module sdk.views imports host.app"),
    ("sdk.views", "import requests", "sdk module sdk.views depends on requests"),
    ("sdk.views", "import pytest", "sdk module sdk.views depends on pytest"),
    ("host.app", "from plugins.edc import manifest", "host module host.app imports plugin plugins.edc"),
    ("host.app", "import tests.plugins.testtool", "host module host.app imports plugin tests.plugins"),
    ("plugins.edc.views", "from host.db import db_session", "plugin module plugins.edc.views imports host"),
    ("plugins.edc.views", "from plugins.rtsm import kits",
     "plugin module plugins.edc.views imports another plugin: plugins.rtsm"),
    ("plugins.edc.views", "from ..rtsm import kits",
     "plugin module plugins.edc.views imports another plugin: plugins.rtsm"),
    ("plugins.edc.views", "import tests.plugins.testtool",
     "plugin module plugins.edc.views imports another plugin: tests.plugins"),
    ("tests.plugins.testtool.views", "from tests.plugins.faulty_nav import manifest",
     "plugin module tests.plugins.testtool.views imports another plugin: tests.plugins.faulty_nav"),
    ("tests.plugins.testtool.views", "from tests.generated_tools import make_tool",
     "plugin module tests.plugins.testtool.views imports test code: tests.generated_tools"),
])
def test_a_broken_rule_is_reported(module, source, expected):
    package = module.rsplit(".", 1)[0]
    problems = broken_rules(module, imported_names(source, package))
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize("module, source", [
    ("sdk.views", "from flask import g\nfrom .models import Base\nimport json"),
    ("sdk.testing.plugin", "import pytest\nfrom ..services import OrgRef"),
    ("host.app", "from sdk import hookspecs\nfrom .runtime import registry"),
    ("plugins.edc.views", "from sdk import services\nfrom .models import Form\nfrom plugins.edc import odm"),
    ("tests.plugins.testtool.views", "from .models import TestRecord\nfrom sdk import services"),
])
def test_allowed_imports_pass(module, source):
    package = module.rsplit(".", 1)[0]
    assert broken_rules(module, imported_names(source, package)) == []
