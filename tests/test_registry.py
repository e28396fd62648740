"""Discovery rules of the plugin registry, without an app: what is accepted, what is refused, why."""
from __future__ import annotations

import pytest

from host.runtime.dispatch import call_available, call_each
from host.runtime.registry import PluginRegistry
from sdk import Manifest, NavItem, Plan, hookimpl
from tests.generated_tools import make_tool
from tests.plugins import testtool


def discover(*extra, only=None) -> PluginRegistry:
    return PluginRegistry.discover(only=only, extra=list(extra))


def reason_of(registry, key) -> str:
    record = registry.records[key]
    assert not record.available and registry.get(key) is None
    return record.reason


def test_tools_are_registered_once_in_sorted_order(fake_entry_points):
    fake_entry_points({"faulty_widget": "tests.plugins.faulty_widget",
                       "faulty_nav": "tests.plugins.faulty_nav"})
    registry = discover(make_tool("zeta"), make_tool("alpha"), testtool)
    assert list(registry.records) == ["alpha", "faulty_nav", "faulty_widget", "testtool", "zeta"]
    assert all(r.available for r in registry.records.values())
    order = [r.key for r in call_available(registry, "navigation_items", org=None, user=None)]
    assert order == ["alpha", "faulty_nav", "testtool", "zeta"]


def test_only_loads_the_listed_keys_and_imports_nothing_else(fake_entry_points):
    fake_entry_points({"broken_import": "tests.plugins.broken_import",
                       "faulty_nav": "tests.plugins.faulty_nav"})
    registry = discover(testtool, make_tool("other"), only=["faulty_nav", "testtool"])
    assert sorted(registry.records) == ["faulty_nav", "testtool"]


def test_the_same_module_found_twice_is_loaded_once(fake_entry_points):
    fake_entry_points({"testtool": "tests.plugins.testtool"})
    registry = discover(testtool)
    assert registry.get("testtool") is not None
    assert registry.records["testtool"].origin == "entry point tests.plugins.testtool"


def test_a_key_claimed_by_two_plugins_is_refused(fake_entry_points):
    """A package must not take over another tool's key (and its customers' data)."""
    fake_entry_points({"testtool": "tests.plugins.faulty_widget"})
    registry = discover(testtool)
    reason = reason_of(registry, "testtool")
    assert "several plugins claim the key 'testtool'" in reason
    assert "entry point tests.plugins.faulty_widget" in reason and "module tests.plugins.testtool" in reason
    assert registry.impl("navigation_items", "testtool") is None


def test_a_module_without_manifest_is_refused():
    module = make_tool("nomanifest")
    module.manifest = {"key": "nomanifest"}
    assert "no manifest" in reason_of(discover(module), "tests.generated_tools.nomanifest")


def test_a_manifest_that_cannot_even_be_checked_is_refused_not_fatal():
    module = make_tool("weird")
    module.manifest = Manifest(key="weird", name="Weird", summary="s", version="1.0", publisher="p",
                               api_level=1, plans=({"code": "basic"},))
    assert reason_of(discover(module), "weird").startswith("invalid manifest: AttributeError")


def test_a_hook_with_arguments_the_spec_lacks_is_refused():
    module = make_tool("badargs", navigation_items=lambda org, user, colour: [])
    reason = reason_of(discover(module), "badargs")
    assert reason.startswith("hook validation failed") and "colour" in reason
    assert "\n" not in reason


def test_hook_wrappers_are_refused():
    module = make_tool("wrapper")

    def dashboard_widgets(org, user):
        yield

    module.dashboard_widgets = hookimpl(wrapper=True)(dashboard_widgets)
    registry = discover(module, testtool)
    assert reason_of(registry, "wrapper") == "hook wrappers are not supported: dashboard_widgets"
    assert registry.get("testtool") is not None


def test_api_level_is_checked_against_the_supported_levels():
    module = make_tool("oldlevel")
    module.manifest = Manifest(key="oldlevel", name="Old", summary="s", version="1.0", publisher="p",
                               api_level=0, plans=(Plan("basic", "Basic", 100),))
    assert reason_of(discover(module), "oldlevel") == "needs SDK API level 0; this host supports 1, 2"


def test_marking_a_tool_unavailable_stops_its_hooks():
    registry = discover(make_tool("alpha"), make_tool("beta"))
    assert registry.impl("navigation_items", "alpha") is not None
    registry.mark_unavailable("alpha", "blueprint failed: boom")
    assert registry.impl("navigation_items", "alpha") is None
    results = call_each(registry, "navigation_items", ["alpha", "beta"], org=None, user=None)
    assert [r.key for r in results] == ["beta"]
    assert reason_of(registry, "alpha") == "blueprint failed: boom"


def test_call_each_isolates_and_counts_failures():
    def explode(org, user):
        raise ValueError("nope")

    registry = discover(make_tool("alpha", navigation_items=explode), make_tool("beta"))
    results = call_each(registry, "navigation_items", ["beta", "alpha"], org_id=7, item_type=NavItem,
                        org=None, user=None)
    assert [(r.key, r.ok) for r in results] == [("alpha", False), ("beta", True)]
    assert results[0].error == "ValueError: nope"
    assert results[1].value == [NavItem("Beta page", "beta.index")]
    assert registry.records["alpha"].failures == {"navigation_items": 1}


@pytest.mark.parametrize("returned, ok", [(None, True), ((), True), ([NavItem("x", "y")], True),
                                          (NavItem("x", "y"), False), ([None], False), (3, False)])
def test_item_type_checks_what_a_hook_returns(returned, ok):
    registry = discover(make_tool("alpha", navigation_items=lambda org, user: returned))
    [result] = call_each(registry, "navigation_items", ["alpha"], item_type=NavItem, org=None, user=None)
    assert result.ok == ok
    if ok:
        assert result.value == list(returned or [])
