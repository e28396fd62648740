"""The pure supply rules: expiry windows, the mix of arms, which kit to pick, min/max."""
from datetime import date, timedelta

import pytest

from plugins.rtsm.domain.supply import (
    KitView,
    SiteStock,
    dispensable,
    kit_to_dispense,
    pick_kits,
    resupply_quantity,
    shippable,
    split_by_ratio,
    supply_problems,
    window_problems,
)

TODAY = date(2026, 6, 1)


def test_windows_count_days_before_expiry_and_never_let_an_expired_kit_go():
    assert shippable(TODAY + timedelta(days=61), TODAY, 60)
    assert not shippable(TODAY + timedelta(days=60), TODAY, 60)
    assert dispensable(TODAY + timedelta(days=1), TODAY, 0)
    assert not dispensable(TODAY, TODAY, 0) and not dispensable(TODAY - timedelta(days=3), TODAY, 0)


@pytest.mark.parametrize("quantity,have,expected", [
    (6, {}, {"A": 4, "P": 2}),
    (3, {}, {"A": 2, "P": 1}),
    (1, {}, {"A": 1, "P": 0}),
    (3, {"A": 4}, {"A": 1, "P": 2}),           # the site holds A already: P catches up
    (4, {"A": 1, "P": 2}, {"A": 4, "P": 0}),
])
def test_split_by_ratio_follows_the_ratio_counting_what_the_site_holds(quantity, have, expected):
    got = split_by_ratio(quantity, {"A": 2, "P": 1}, have)
    assert got == expected and sum(got.values()) == quantity


def test_pick_kits_takes_the_earliest_expiry_and_fills_from_other_arms_when_short():
    kits = [KitView("K3", "A", date(2027, 1, 1)), KitView("K1", "A", date(2028, 1, 1)),
            KitView("K2", "P", date(2027, 6, 1)), KitView("K4", "P", date(2027, 2, 1))]
    assert [k.number for k in pick_kits(kits, {"A": 1, "P": 1})] == ["K3", "K4"]
    assert [k.number for k in pick_kits(kits, {"A": 3, "P": 0})] == ["K3", "K1", "K4"]
    assert [k.number for k in pick_kits(kits, {"A": 3, "P": 0}, fill_from_other_arms=False)] == ["K3", "K1"]


def test_the_kit_to_dispense_is_of_the_arm_dispensable_and_earliest():
    kits = [KitView("K1", "A", TODAY + timedelta(days=10)), KitView("K2", "P", TODAY + timedelta(days=40)),
            KitView("K3", "A", TODAY + timedelta(days=90)), KitView("K4", "A", TODAY + timedelta(days=45))]
    assert kit_to_dispense(kits, "A", TODAY, 30).number == "K4"
    assert kit_to_dispense(kits, "P", TODAY, 50) is None


def test_resupply_tops_up_to_max_only_below_the_trigger():
    assert resupply_quantity(SiteStock(usable=2, in_transit=0, min_stock=2, max_stock=6)) == 0
    assert resupply_quantity(SiteStock(usable=1, in_transit=0, min_stock=2, max_stock=6)) == 5
    assert resupply_quantity(SiteStock(usable=0, in_transit=3, min_stock=2, max_stock=6)) == 0
    assert resupply_quantity(SiteStock(usable=0, in_transit=0, min_stock=1, max_stock=0)) == 1


def test_settings_problems_name_every_field():
    assert supply_problems("x", -1, 1001) == [
        ("min_stock", "Resupply trigger must be a whole number of kits from 0 to 1000."),
        ("max_stock", "Resupply up to must be a whole number of kits from 0 to 1000."),
        ("initial_kits", "Initial shipment must be a whole number of kits from 0 to 1000.")]
    assert supply_problems(5, 4, 2) == [("max_stock", "Resupply up to must be at least the resupply trigger.")]
    assert window_problems(10, 30)[0][0] == "do_not_ship_days"
    assert window_problems(60, 30) == []
