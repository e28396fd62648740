"""The SDK's hook and service reference is generated from the docstrings, stays current, and
every hook and service is documented and exercised by a test."""
import re
from pathlib import Path

import pytest

from sdk.reference import SERVICE_CLASSES, hook_entries, render, service_entries

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "sdk" / "reference.md"

#: How test code reaches each interface: a call through it names the member after this.
ACCESS = {
    "ToolHandle": r"tool\(\)", "ToolAudit": r"\.audit", "CommonServices": r"(tool|services)\(\)",
    "Services": r"services\(\)", "Settings": r"settings", "Storage": r"storage", "Events": r"events",
    "AuditTrail": r"\.audit", "Signatures": r"signatures", "Notifications": r"notifications",
    "ToolSharing": r"sharing", "Jobs": r"jobs", "Vault": r"vault", "Documents": r"documents",
}


def _test_sources() -> str:
    files = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "plugins").glob("*/tests/**/*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files if path.name != Path(__file__).name)


@pytest.fixture(scope="module")
def test_sources():
    return _test_sources()


def test_reference_in_the_repository_is_what_the_code_generates():
    assert REFERENCE.read_text(encoding="utf-8") == render(), (
        "docs/sdk/reference.md is stale: run  python -m sdk.reference > docs/sdk/reference.md")


def test_every_hook_and_service_member_has_a_docstring():
    missing = [f"{e.owner}.{e.name}" for e in [*hook_entries(), *service_entries()] if not e.doc.strip()]
    assert missing == []


def test_every_interface_has_a_documented_class():
    assert [f"{m}.{c.__name__}" for m, c in SERVICE_CLASSES if not (c.__doc__ or "").strip()] == []


def test_every_hook_is_implemented_by_a_test_tool(test_sources):
    missing = [e.name for e in hook_entries()
               if not re.search(rf"def {e.name}\(|\b{e.name}=", test_sources)]
    assert missing == [], "hooks no test implements"


def test_every_service_member_is_called_by_a_test(test_sources):
    missing = []
    for entry in service_entries():
        access = ACCESS[entry.owner.rsplit(".", 1)[1]]
        if not re.search(rf"{access}[^\n]*?\.{entry.name}\b", test_sources, re.IGNORECASE):
            missing.append(f"{entry.owner}.{entry.name}")
    assert missing == [], "service members no test calls"


@pytest.mark.parametrize("page", ["tool-handle", "sharing", "roles", "events", "jobs", "notifications", "forms",
                                  "tables", "records", "files", "migrations", "packaging", "pages", "testing"])
def test_each_level_two_mechanism_has_a_page_with_a_worked_example(page):
    text = (ROOT / "docs" / "sdk" / f"{page}.md").read_text(encoding="utf-8")
    assert text.startswith("# ") and "```python" in text
    for target in re.findall(r"\]\(([\w.-]+\.md)\)", text):  # links between the pages resolve
        assert (ROOT / "docs" / "sdk" / target).exists(), f"{page}.md links to missing {target}"


def test_the_testing_page_gives_the_fixtures_true_signatures():
    """docs/sdk/testing.md states each fixture's signature: the harness's own names and defaults."""
    import inspect

    from sdk.testing.support import TestingSupport

    text = (ROOT / "docs" / "sdk" / "testing.md").read_text(encoding="utf-8")
    for fixture, method in (("make_user", "create_user"), ("make_org", "create_org"), ("add_member", "add_member"),
                            ("grant_license", "grant_license")):
        real = [p for name, p in inspect.signature(getattr(TestingSupport, method)).parameters.items()
                if name != "self"]
        shown = [part.strip() for part in re.search(rf"`{fixture}\((.*?)\)", text).group(1).split(",")]
        shown = [part for part in shown if part != "*"]
        assert [part.split("=")[0] for part in shown] == [p.name for p in real], fixture
        for part, p in zip(shown, real):
            if "=" in part and p.default is not inspect.Parameter.empty:
                assert part.split("=")[1].replace('"', "'") in (repr(p.default), "TEST_PASSWORD"), f"{fixture}: {part}"
