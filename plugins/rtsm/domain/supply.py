"""Trial supply rules, without a database: expiry windows, which kits to pick, how many to send.

- **Windows.** A kit is *shippable* while more than ``do_not_ship_days`` remain before its expiry,
  *dispensable* while more than ``do_not_dispense_days`` remain (a window of 0 still refuses a kit
  on its expiry day: nothing expired ever leaves).
- **Mix of arms.** A shipment spreads its kits over the arms by the allocation ratio, counting what
  the site holds already, so a site's stock follows the ratio the list draws subjects in. (We split
  by ratio rather than by the list's next entries: the list is concealed and a shipment matched
  to it would hint at the next allocations.)
- **Order.** Within an arm, the earliest expiry goes first (then the kit number), so old stock is
  used before it expires.
- **Min/max.** A site is resupplied when its usable stock plus kits in transit falls below the
  trigger (``min_stock``); the shipment tops it up to ``max_stock``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class KitView:
    """What the rules need of a kit: its number, arm and expiry."""

    number: str
    arm: str
    expiry: date


def last_day_to_ship(expiry: date, do_not_ship_days: int) -> date:
    """The last day the kit may still leave a depot."""
    return expiry - timedelta(days=do_not_ship_days + 1)


def shippable(expiry: date, today: date, do_not_ship_days: int) -> bool:
    return expiry - timedelta(days=max(do_not_ship_days, 0)) > today


def dispensable(expiry: date, today: date, do_not_dispense_days: int) -> bool:
    return expiry - timedelta(days=max(do_not_dispense_days, 0)) > today


def expiring_within(expiry: date, today: date, days: int) -> bool:
    """Whether the kit expires within ``days`` from today (expired kits included)."""
    return expiry <= today + timedelta(days=days)


def split_by_ratio(quantity: int, ratios: Mapping[str, int], have: Mapping[str, int] | None = None) -> dict[str, int]:
    """How many kits of each arm to add so that ``have`` plus ``quantity`` follows the ratios.

    The ideal count of the new total is shared by the largest remainder (ties to the arm listed
    first); an arm already above its share gets none and the others share what is left, so the
    result always sums to ``quantity``."""
    have = dict(have or {})
    arms = [arm for arm, ratio in ratios.items() if ratio > 0]
    if quantity <= 0 or not arms:
        return {arm: 0 for arm in ratios}
    wanted = {arm: 0 for arm in ratios}
    left = quantity
    while left > 0:
        total = sum(have.get(arm, 0) + wanted[arm] for arm in arms) + 1
        ratio_sum = sum(ratios[arm] for arm in arms)
        # give the next kit to the arm furthest below its share of the grown total
        arm = max(arms, key=lambda a: (total * ratios[a] / ratio_sum - have.get(a, 0) - wanted[a], -arms.index(a)))
        wanted[arm] += 1
        left -= 1
    return wanted


def pick_kits(kits: Iterable[KitView], counts: Mapping[str, int], *, fill_from_other_arms: bool = True) -> list[KitView]:
    """The kits to send: for each arm its count, earliest expiry first; when an arm runs short and
    ``fill_from_other_arms``, the rest of the quantity from the other arms (earliest expiry first),
    so a site still gets stock. Returns fewer kits than asked only when there are none left."""
    ordered = sorted(kits, key=lambda kit: (kit.expiry, kit.number))
    chosen: list[KitView] = []
    taken: set[str] = set()
    short = 0
    for arm, count in counts.items():
        of_arm = [kit for kit in ordered if kit.arm == arm][:max(count, 0)]
        chosen.extend(of_arm)
        taken.update(kit.number for kit in of_arm)
        short += max(count, 0) - len(of_arm)
    if short and fill_from_other_arms:
        spare = [kit for kit in ordered if kit.number not in taken][:short]
        chosen.extend(spare)
    return chosen


def kit_to_dispense(kits: Iterable[KitView], arm: str, today: date, do_not_dispense_days: int) -> KitView | None:
    """The kit of ``arm`` to give a subject: dispensable, earliest expiry first (then number)."""
    fitting = [kit for kit in kits if kit.arm == arm and dispensable(kit.expiry, today, do_not_dispense_days)]
    return min(fitting, key=lambda kit: (kit.expiry, kit.number), default=None)


@dataclass(frozen=True)
class SiteStock:
    """A site's stock as min/max resupply counts it."""

    usable: int
    in_transit: int
    min_stock: int
    max_stock: int

    @property
    def counted(self) -> int:
        return self.usable + self.in_transit


def resupply_quantity(stock: SiteStock) -> int:
    """How many kits to request: none while stock plus kits in transit reaches the trigger,
    otherwise enough to top it up to ``max_stock`` (at least one)."""
    if stock.counted >= stock.min_stock:
        return 0
    return max(stock.max_stock - stock.counted, stock.min_stock - stock.counted, 1)


def supply_problems(min_stock, max_stock, initial_kits) -> list[tuple[str, str]]:
    """What is wrong with a site's supply settings (whole numbers, 0 <= min <= max <= 1000)."""
    problems = []
    values = {"min_stock": min_stock, "max_stock": max_stock, "initial_kits": initial_kits}
    names = {"min_stock": "Resupply trigger", "max_stock": "Resupply up to", "initial_kits": "Initial shipment"}
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
            problems.append((key, f"{names[key]} must be a whole number of kits from 0 to 1000."))
    if not problems and min_stock > max_stock:
        problems.append(("max_stock", "Resupply up to must be at least the resupply trigger."))
    return problems


def window_problems(do_not_ship_days, do_not_dispense_days) -> list[tuple[str, str]]:
    """Expiry windows are whole days from 0 to 3650; shipping must stop no later than dispensing."""
    problems = []
    for key, value, name in (("do_not_ship_days", do_not_ship_days, "Do-not-ship window"),
                             ("do_not_dispense_days", do_not_dispense_days, "Do-not-dispense window")):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3650:
            problems.append((key, f"{name} must be a whole number of days from 0 to 3650."))
    if not problems and do_not_ship_days < do_not_dispense_days:
        problems.append(("do_not_ship_days", "The do-not-ship window must be at least the do-not-dispense "
                                             "window (a kit must arrive before it stops being dispensable)."))
    return problems


def counts_by_arm(kits: Sequence[KitView]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kit in kits:
        counts[kit.arm] = counts.get(kit.arm, 0) + 1
    return counts
