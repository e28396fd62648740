"""Manifest validation (``sdk/manifest.py``): every rule, one at a time, and all at once."""
from __future__ import annotations

from dataclasses import replace

import pytest

from sdk.manifest import CATEGORIES, Manifest, ManifestError, Permission, Plan, SettingField, format_money

VALID = Manifest(
    key="edc_lite", name="EDC Lite", summary="Forms for small studies.", version="1.2.0rc1",
    publisher="Trial Office", api_level=1, category="data-capture",
    plans=(Plan("basic", "Basic", 900), Plan("team", "Team", 400, per_seat=True, min_seats=3),
           Plan("yearly", "Yearly", 9000, interval="year")),
    permissions=(Permission("view", "See forms", default_for_members=True), Permission("lock", "Lock")),
    settings=(SettingField("site_label", "Site label"),
              SettingField("mode", "Mode", type="choice", default="strict", choices=("strict", "lenient")),
              SettingField("api_secret", "API secret", secret=True)),
)


def problems_with(**changes) -> list[str]:
    return replace(VALID, **changes).problems()


def test_the_reference_manifest_is_valid():
    assert VALID.problems() == []
    assert VALID.validate() is VALID


@pytest.mark.parametrize("key", ["a", "A_tool", "1tool", "my-tool", "x" * 33, "", None, "tool key"])
def test_key_is_short_lowercase_and_starts_with_a_letter(key):
    assert problems_with(key=key) == [
        "key must be 2-32 characters of a-z, 0-9 and _, starting with a letter"]


@pytest.mark.parametrize("key", ["ab", "site_select", "x" * 32, "tool2"])
def test_good_keys_pass(key):
    assert problems_with(key=key) == []


@pytest.mark.parametrize("field", ["name", "summary", "publisher"])
@pytest.mark.parametrize("value", ["", "   ", None, 5])
def test_name_summary_and_publisher_are_required(field, value):
    assert problems_with(**{field: value}) == [f"{field} is required"]


@pytest.mark.parametrize("version", ["one", "1.0-beta-final-x", "", "v1..0"])
def test_version_must_be_pep_440(version):
    assert problems_with(version=version) == [f"version {version!r} is not a PEP 440 version"]


@pytest.mark.parametrize("version", ["1", "1.0.0", "2.1.0rc1", "0.1.dev3", "1.0.post1"])
def test_pep_440_versions_pass(version):
    assert problems_with(version=version) == []


@pytest.mark.parametrize("level", ["1", 1.0, True, None])
def test_api_level_must_be_an_integer(level):
    assert problems_with(api_level=level) == ["api_level must be an integer"]


def test_api_level_support_is_the_hosts_decision_not_the_manifests():
    assert problems_with(api_level=99) == []


def test_category_must_be_known():
    assert problems_with(category="astrology") == [
        f"category 'astrology' is not one of {', '.join(CATEGORIES)}"]
    assert all(problems_with(category=c) == [] for c in CATEGORIES)


@pytest.mark.parametrize("plan, problem", [
    (Plan("p", "P", -1), "plan p: amount must be a non-negative integer in minor units"),
    (Plan("p", "P", 9.5), "plan p: amount must be a non-negative integer in minor units"),
    (Plan("p", "P", True), "plan p: amount must be a non-negative integer in minor units"),
    (Plan("p", "P", 100, currency="usd"), "plan p: currency must be an ISO 4217 code such as USD"),
    (Plan("p", "P", 100, currency="DOLLAR"), "plan p: currency must be an ISO 4217 code such as USD"),
    (Plan("p", "P", 100, interval="week"), "plan p: interval must be month or year"),
    (Plan("p", "P", 100, min_seats=0), "plan p: min_seats must be at least 1"),
    (Plan("p", "P", 100, trial_days=-1), "plan p: trial_days cannot be negative"),
])
def test_each_plan_rule(plan, problem):
    assert problems_with(plans=(plan,)) == [problem]


def test_free_plans_and_no_trial_are_allowed():
    assert problems_with(plans=(Plan("free", "Free", 0, trial_days=0),)) == []
    assert problems_with(plans=()) == []


@pytest.mark.parametrize("what, field, items", [
    ("plan", "plans", (Plan("basic", "A", 100), Plan("basic", "B", 200))),
    ("permission", "permissions", (Permission("view", "A"), Permission("view", "B"))),
    ("setting", "settings", (SettingField("mode", "A"), SettingField("mode", "B"))),
])
def test_codes_are_unique(what, field, items):
    key = "basic" if what == "plan" else ("view" if what == "permission" else "mode")
    assert problems_with(**{field: items}) == [f"{what} {key!r} is declared twice"]


@pytest.mark.parametrize("key", ["View", "x", "edit-records"])
def test_permission_keys_follow_the_key_rule(key):
    assert problems_with(permissions=(Permission(key, "Label"),)) == [f"permission key {key!r} is invalid"]


def test_setting_type_must_be_known():
    assert problems_with(settings=(SettingField("when", "When", type="date"),)) == [
        "setting when: type must be one of str, int, float, bool, choice"]


def test_choice_default_must_be_one_of_its_choices():
    field = SettingField("mode", "Mode", type="choice", default="loose", choices=("strict",))
    assert problems_with(settings=(field,)) == ["setting mode: default is not one of its choices"]
    assert problems_with(settings=(replace(field, default=None),)) == []


def test_every_problem_is_reported_at_once_and_validate_raises_them():
    broken = replace(VALID, key="Bad Key", name="", version="x", category="nope",
                     plans=(Plan("p", "P", -1),))
    with pytest.raises(ManifestError) as raised:
        broken.validate()
    assert raised.value.key == "Bad Key"
    assert raised.value.problems == broken.problems()
    assert len(raised.value.problems) == 5
    assert str(raised.value).startswith("manifest of Bad Key: key must be")


def test_plan_lookup_and_the_catalog_price():
    assert VALID.plan("team").per_seat and VALID.plan("nope") is None
    assert VALID.cheapest_monthly.code == "team"
    assert replace(VALID, plans=(Plan("y", "Y", 100, interval="year"),)).cheapest_monthly is None


@pytest.mark.parametrize("amount, currency, shown", [
    (900, "USD", "USD 9.00"), (5, "EUR", "EUR 0.05"), (0, "USD", "USD 0.00"),
    (123456789, "GBP", "GBP 1,234,567.89"),
])
def test_money_is_shown_from_minor_units(amount, currency, shown):
    assert format_money(amount, currency) == shown
