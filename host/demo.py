"""Demo data: a platform admin and one organization of each type, every tool on trial in each.

Every organization is created before any tool's demo data is loaded, so a tool's demo may share
its records with the other demo organizations (rtsm shares the sponsor's study with its sites and
its CRO). After all the tools' demo data, the host accepts the shares between demo organizations
(as their owners would on the Sharing page) and gives the demo people the tool roles of
:data:`DEMO_ROLES` (as an admin would on the Members page or the share's "Who works on it").
Then each tool filled in this run may add what needs those shares (``demo_data_shared``: a
site organization files its documents into the sponsor's binder).

Loading is idempotent: people, organizations and memberships are looked up before they are
created, a tool's trial and demo data are added only where the organization holds no license
for it yet, only pending shares are accepted and only missing roles given. Each organization is
committed on its own and each tool's trial with its demo data, so a tool whose ``demo_data``
hook fails is left out (and retried on the next run) without stopping the rest.

Argon2 is slow on purpose, so every demo account gets the same hash of the one published demo
password, computed once, and each distinct stored hash is checked once when the logins are shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import current_app, g
from flask_login import login_user
from sqlalchemy import func, select

from sdk.demo import DEMO_PASSWORD  # every demo account signs in with it (re-exported)
from sdk.services import UserRef
from sdk.tenancy import org_scope

from .accounts_service import create_organization, normalize_email
from .auth.passwords import hash_password, verify_password
from .demo_roles import DemoRole, accept_demo_shares, give_demo_roles, with_tool_roles
from .licensing import LicensingError, get_license, start_trial
from .models import Membership, Organization, User
from .orgctx import load_org, org_ref
from .runtime.dispatch import call_each


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    type: str
    owner: DemoPerson
    member: DemoPerson


DEMO_ADMIN = DemoPerson("admin@trialoffice.example.com", "Alex Morgan")

DEMO_ORGS = (
    DemoOrg("northwind", "Northwind Therapeutics", "sponsor",
            DemoPerson("maria.chen@northwind.example.com", "Maria Chen"),
            DemoPerson("david.okafor@northwind.example.com", "David Okafor")),
    DemoOrg("helix-cro", "Helix Clinical CRO", "cro",
            DemoPerson("priya.raman@helixcro.example.com", "Priya Raman"),
            DemoPerson("tom.lindqvist@helixcro.example.com", "Tom Lindqvist")),
    DemoOrg("meridian-smo", "Meridian Site Management", "smo",
            DemoPerson("carlos.mendes@meridiansmo.example.com", "Carlos Mendes"),
            DemoPerson("aisha.bello@meridiansmo.example.com", "Aisha Bello")),
    DemoOrg("lakeside-research", "Lakeside Clinical Research Center", "site",
            DemoPerson("hannah.weiss@lakeside.example.com", "Dr. Hannah Weiss"),
            DemoPerson("samuel.ortiz@lakeside.example.com", "Samuel Ortiz")),
    DemoOrg("blake-monitoring", "Jordan Blake Monitoring", "freelancer",
            DemoPerson("jordan.blake@blakemonitoring.example.com", "Jordan Blake"),
            DemoPerson("riley.park@blakemonitoring.example.com", "Riley Park")),
    DemoOrg("toolsmith-labs", "Toolsmith Labs", "publisher",
            DemoPerson("nora.fischer@toolsmith.example.com", "Nora Fischer"),
            DemoPerson("ken.adams@toolsmith.example.com", "Ken Adams")),
)


@dataclass(frozen=True)
class DemoLogin:
    org: str
    role: str
    email: str
    password: str


@dataclass
class DemoReport:
    logins: list[DemoLogin] = field(default_factory=list)
    created_orgs: list[str] = field(default_factory=list)
    tools_started: list[tuple[str, str]] = field(default_factory=list)
    shares_accepted: list[str] = field(default_factory=list)
    roles_given: list[DemoRole] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class DemoPassword:
    """The demo password with one shared hash and a memo of which stored hashes match it."""

    def __init__(self, password: str):
        self.password = password
        self._hash: str | None = None
        self._matches: dict[str, bool] = {}

    @property
    def hash(self) -> str:
        if self._hash is None:
            self._hash = hash_password(self.password)
            self._matches[self._hash] = True
        return self._hash

    def matches(self, stored_hash: str) -> bool:
        if stored_hash not in self._matches:
            self._matches[stored_hash] = verify_password(stored_hash, self.password)
        return self._matches[stored_hash]


def load_demo(session, password: str = DEMO_PASSWORD) -> DemoReport:
    """Load (or complete) the demo in the current app; returns what was added and the logins."""
    report = DemoReport()
    secret = DemoPassword(password)
    admin = _ensure_user(session, DEMO_ADMIN, secret, platform_admin=True)
    session.commit()
    report.logins.append(_login(admin, "(platform)", "platform admin", secret))
    loaded: dict[str, tuple[Organization, User]] = {}
    for spec in DEMO_ORGS:
        org, owner, member = _ensure_org(session, spec, secret, report)
        if org is None:
            session.rollback()
            report.problems.append(f"the organization '{spec.slug}' exists and is not owned by "
                                   f"{spec.owner.email}; it was left alone.")
            continue
        session.commit()
        report.logins += [_login(owner, org.name, "owner", secret),
                          _login(member, org.name, "member", secret)]
        loaded[spec.slug] = (org, owner)
    for org, owner in loaded.values():  # every organization exists now: a tool's demo may share with it
        for record in current_app.extensions["trialoffice.registry"].available():
            _start_tool(session, org, record.key, owner, report)
    report.shares_accepted += accept_demo_shares(session, loaded)
    report.roles_given += give_demo_roles(session, loaded, report.problems)
    for slug, key in list(report.tools_started):  # records other organizations shared are reachable now
        org, owner = loaded[slug]
        if _run_demo_hook(session, org, key, owner, "demo_data_shared", report):
            session.commit()
    report.logins = [replace(login, role=with_tool_roles(login.role, login.email)) for login in report.logins]
    return report


def _login(user: User, org_name: str, role: str, secret: DemoPassword) -> DemoLogin:
    """The demo password, unless the account existed before with a password of its own."""
    shown = secret.password if secret.matches(user.password_hash) else "(unchanged)"
    return DemoLogin(org_name, role, user.email, shown)


def _ensure_user(session, person: DemoPerson, secret: DemoPassword, *,
                 platform_admin: bool = False) -> User:
    email = normalize_email(person.email)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        user = User(email=email, name=person.name, password_hash=secret.hash,
                    is_platform_admin=platform_admin)
        session.add(user)
        session.flush()
    return user


def _ensure_org(session, spec: DemoOrg, secret: DemoPassword, report: DemoReport):
    owner = _ensure_user(session, spec.owner, secret)
    member = _ensure_user(session, spec.member, secret)
    org = session.scalar(select(Organization).where(Organization.slug == spec.slug))
    if org is None:
        org = create_organization(session, slug=spec.slug, name=spec.name, type=spec.type, owner=owner)
        report.created_orgs.append(spec.slug)
    elif _role(session, org, owner) != "owner":
        return None, owner, member
    if _role(session, org, member) is None:
        session.add(Membership(org_id=org.id, user_id=member.id, role="member"))
        session.flush()
    return org, owner, member


def _role(session, org: Organization, user: User) -> str | None:
    return session.scalar(select(Membership.role).where(Membership.org_id == org.id,
                                                        Membership.user_id == user.id))


def _start_tool(session, org: Organization, key: str, owner: User, report: DemoReport) -> None:
    """Trial, enable and fill one tool in one organization, all or nothing."""
    if get_license(session, org, key) is not None:
        return
    try:
        start_trial(session, org, key, owner)
    except LicensingError as exc:
        session.rollback()
        report.problems.append(f"{org.slug}: {exc}")
        return
    if not _run_demo_hook(session, org, key, owner, "demo_data", report):
        return
    session.commit()
    report.tools_started.append((org.slug, key))


def _run_demo_hook(session, org: Organization, key: str, owner: User, hook: str, report: DemoReport) -> bool:
    """Call one tool's demo hook in the organization, as in a request of its owner (so the tool
    may build links and check permissions; the CLI still names itself as the actor of the audit
    entries); False, rolled back and reported, when it fails."""
    user = UserRef(owner.id, owner.email, owner.name, owner.timezone)
    with current_app.test_request_context(f"/o/{org.slug}/"), org_scope(org.id):
        login_user(owner)
        g.org_slug = org.slug
        load_org(org.slug)
        results = call_each(current_app.extensions["trialoffice.registry"], hook, [key],
                            org_id=org.id, org=org_ref(org), user=user)
    failed = next((r for r in results if not r.ok), None)
    if failed is not None:
        session.rollback()
        what, left_out = (("demo data", "the tool was left out of this organization") if hook == "demo_data" else
                          ("demo data on shared records", "what it adds there was left out"))
        report.problems.append(f"{org.slug}: the {what} of '{key}' failed ({failed.error}); {left_out}.")
        return False
    return True
