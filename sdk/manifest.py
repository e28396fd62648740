"""The manifest: what a tool tells the host about itself, validated before it is registered."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from .icons import icon_problem

#: API levels of this SDK that the host can run side by side. A new level is added for
#: every breaking change to the contract; old levels stay supported as long as possible.
CURRENT_API_LEVEL = 2
#: Level 1: services() with tool keys passed by hand. Level 2: sdk.tool(), the handle bound to the tool.
SUPPORTED_API_LEVELS = frozenset({1, 2})

CATEGORIES = {
    "documents": "Documents & eTMF",
    "data-capture": "Data capture",
    "randomization": "Randomization & supply",
    "project-management": "Project management",
    "site-selection": "Site selection",
    "analytics": "Analytics",
    "other": "Other",
}
INTERVALS = ("month", "year")
SETTING_TYPES = ("str", "int", "float", "bool", "choice")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


class ManifestError(ValueError):
    """A manifest that cannot be accepted; ``problems`` lists every reason."""

    def __init__(self, key: str, problems: list[str]):
        self.key = key
        self.problems = problems
        super().__init__(f"manifest of {key or '?'}: " + "; ".join(problems))


@dataclass(frozen=True)
class Plan:
    """A price: ``amount`` in minor units of ``currency`` per ``interval`` (per seat if ``per_seat``).

    A monthly plan is also sold by the year, at ``annual_amount`` or, when the manifest leaves it
    out, 10 x the monthly amount (two months free).
    """

    code: str
    name: str
    amount: int
    currency: str = "USD"
    interval: str = "month"
    per_seat: bool = False
    min_seats: int = 1
    trial_days: int = 14
    annual_amount: int | None = None

    def amounts(self) -> dict[str, int]:
        """The price per billing interval this plan is sold at, e.g. ``{"month": 500, "year": 5000}``."""
        if self.interval == "year":
            return {"year": self.amount}
        annual = self.annual_amount if self.annual_amount is not None else 10 * self.amount
        return {"month": self.amount, "year": annual}


@dataclass(frozen=True)
class Permission:
    """A permission the tool defines; owners and admins hold all, members those granted.

    ``held_by_admins=False`` keeps a permission for the people given it by name (a role or a
    tick on the Members page), owners and admins included: rtsm's "see treatment arms" makes
    nobody unblinded by being an administrator.
    """

    key: str
    label: str
    description: str = ""
    default_for_members: bool = False
    held_by_admins: bool = True


@dataclass(frozen=True)
class Role:
    """A named bundle of the tool's permissions (for example edc's "monitor").

    Roles are held by a member (optionally only for one shared record or site) and by an
    organization that a record is shared with. ``read_only`` roles never write: a grant made
    only of read-only roles lets its organization read the shared rows and change none.
    """

    key: str
    label: str
    permissions: tuple[str, ...]
    description: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class SettingField:
    """One per-organization setting of the tool, typed, with a default."""

    name: str
    label: str
    type: str = "str"
    default: object = None
    secret: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Manifest:
    key: str
    name: str
    summary: str
    version: str
    publisher: str
    api_level: int
    category: str = "other"
    description: str = ""
    #: One of :data:`sdk.icons.ICON_NAMES` (e.g. "map-pin"), a path on this site, or "" (the initial).
    icon: str = ""
    plans: tuple[Plan, ...] = ()
    permissions: tuple[Permission, ...] = ()
    roles: tuple[Role, ...] = ()
    settings: tuple[SettingField, ...] = ()
    works_with: tuple[str, ...] = ()
    homepage: str = ""
    #: Events this tool emits beyond the platform's own (``sdk.events.EventSpec``), each named
    #: ``<tool key>.<event>``; validated by ``sdk.events.event_spec_problems``.
    events: tuple = ()
    extra: dict = field(default_factory=dict, compare=False)

    def problems(self) -> list[str]:
        """Every reason this manifest is invalid (empty when it is valid)."""
        found: list[str] = []
        if not isinstance(self.key, str) or not KEY_PATTERN.match(self.key):
            found.append("key must be 2-32 characters of a-z, 0-9 and _, starting with a letter")
        for name in ("name", "summary", "publisher"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                found.append(f"{name} is required")
        try:
            Version(str(self.version))
        except InvalidVersion:
            found.append(f"version {self.version!r} is not a PEP 440 version")
        if not isinstance(self.api_level, int) or isinstance(self.api_level, bool):
            found.append("api_level must be an integer")
        if self.category not in CATEGORIES:
            found.append(f"category {self.category!r} is not one of {', '.join(CATEGORIES)}")
        if icon_problem(self.icon):
            found.append(icon_problem(self.icon))
        found += _plan_problems(self.plans)
        found += _unique_problems("permission", [p.key for p in self.permissions])
        for perm in self.permissions:
            if not KEY_PATTERN.match(perm.key):
                found.append(f"permission key {perm.key!r} is invalid")
            if perm.default_for_members and not perm.held_by_admins:
                found.append(f"permission {perm.key}: a permission every member holds cannot be kept from admins")
        found += _role_problems(self)
        found += _event_problems(self)
        found += _unique_problems("setting", [s.name for s in self.settings])
        for setting in self.settings:
            if setting.type not in SETTING_TYPES:
                found.append(f"setting {setting.name}: type must be one of {', '.join(SETTING_TYPES)}")
            if setting.type == "choice" and setting.default not in (None, *setting.choices):
                found.append(f"setting {setting.name}: default is not one of its choices")
        return found

    def validate(self) -> "Manifest":
        found = self.problems()
        if found:
            raise ManifestError(getattr(self, "key", ""), found)
        return self

    def role(self, key: str) -> Role | None:
        return next((r for r in self.roles if r.key == key), None)

    def plan(self, code: str) -> Plan | None:
        return next((p for p in self.plans if p.code == code), None)

    @property
    def cheapest_monthly(self) -> Plan | None:
        """The plan to show as "from ... per month" in the catalog."""
        monthly = [p for p in self.plans if p.interval == "month"]
        return min(monthly, key=lambda p: p.amount, default=None)


def _plan_problems(plans) -> list[str]:
    found = _unique_problems("plan", [p.code for p in plans])
    for plan in plans:
        where = f"plan {plan.code}"
        if not isinstance(plan.amount, int) or isinstance(plan.amount, bool) or plan.amount < 0:
            found.append(f"{where}: amount must be a non-negative integer in minor units")
        if not CURRENCY_PATTERN.match(str(plan.currency)):
            found.append(f"{where}: currency must be an ISO 4217 code such as USD")
        if plan.interval not in INTERVALS:
            found.append(f"{where}: interval must be month or year")
        if plan.min_seats < 1:
            found.append(f"{where}: min_seats must be at least 1")
        if plan.trial_days < 0:
            found.append(f"{where}: trial_days cannot be negative")
        if plan.annual_amount is not None:
            if not isinstance(plan.annual_amount, int) or isinstance(plan.annual_amount, bool) \
                    or plan.annual_amount < 0:
                found.append(f"{where}: annual_amount must be a non-negative integer in minor units")
            elif plan.interval != "month":
                found.append(f"{where}: annual_amount applies only to a monthly plan")
    return found


def _role_problems(manifest: "Manifest") -> list[str]:
    found = _unique_problems("role", [r.key for r in manifest.roles])
    declared = {p.key for p in manifest.permissions}
    for role in manifest.roles:
        if not KEY_PATTERN.match(str(role.key)):
            found.append(f"role key {role.key!r} is invalid")
        unknown = sorted(set(role.permissions) - declared)
        if unknown:
            found.append(f"role {role.key}: unknown permissions {', '.join(unknown)}")
    return found


def _event_problems(manifest: "Manifest") -> list[str]:
    from .events import event_spec_problems  # events never import the manifest: no cycle

    return [problem for spec in manifest.events for problem in event_spec_problems(spec, manifest.key)]


def _unique_problems(what: str, keys: list[str]) -> list[str]:
    seen, dupes = set(), set()
    for key in keys:
        (dupes if key in seen else seen).add(key)
    return [f"{what} {key!r} is declared twice" for key in sorted(dupes)]


def format_money(amount: int, currency: str) -> str:
    """``format_money(900, "USD") == "USD 9.00"``: minor units to a display string."""
    return f"{currency} {amount // 100:,}.{amount % 100:02d}"
