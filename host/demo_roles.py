"""Who works on what in the demo: the shares between demo organizations are accepted (as their
owners would on the Sharing page) and the demo people given the tool roles of :data:`DEMO_ROLES`
(as an admin would on the Members page, or on a share's "Who works on it"), after every tool's
demo data. Idempotent: only pending shares are accepted and only missing roles given.

Run in every organization's scope: row security shows a grant only to its two parties."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from sdk.tenancy import all_organizations

from .members.tool_permissions import declared_permissions, held_roles, set_roles
from .models import Membership, ShareGrant, User
from .sharing import grants, team


@dataclass(frozen=True)
class DemoRole:
    """A tool role one demo person holds: in their own organization (the Members page), or, with
    ``on_share_of``, on every record that organization shares with theirs in the tool (the
    share's "Who works on it"). Skipped when the tool is not installed."""

    org: str
    email: str
    tool: str
    role: str
    on_share_of: str | None = None


#: rtsm's blinding in the demo: Northwind's owner stays blinded (no role: owners are not
#: unblinded by rank), its member is the unblinded statistician and supply manager; at each site
#: organization the owner is the investigator (may break the blind) and the member site staff
#: (and edc's site coordinator); the CRO's member monitors, blinded. In edocs David reviews QC,
#: the CRO's member monitors and the sites' members file their site's documents. Owners and
#: admins of an organization a record is shared with hold the share's other roles unnamed.
DEMO_ROLES = (
    DemoRole("northwind", "david.okafor@northwind.example.com", "rtsm", "statistician"),
    DemoRole("northwind", "david.okafor@northwind.example.com", "rtsm", "supply_manager"),
    DemoRole("lakeside-research", "hannah.weiss@lakeside.example.com", "rtsm", "investigator", "northwind"),
    DemoRole("lakeside-research", "samuel.ortiz@lakeside.example.com", "rtsm", "site_staff", "northwind"),
    DemoRole("meridian-smo", "carlos.mendes@meridiansmo.example.com", "rtsm", "investigator", "northwind"),
    DemoRole("meridian-smo", "aisha.bello@meridiansmo.example.com", "rtsm", "site_staff", "northwind"),
    DemoRole("helix-cro", "tom.lindqvist@helixcro.example.com", "rtsm", "blinded", "northwind"),
    DemoRole("lakeside-research", "samuel.ortiz@lakeside.example.com", "edc", "site_coordinator", "northwind"),
    DemoRole("meridian-smo", "aisha.bello@meridiansmo.example.com", "edc", "site_coordinator", "northwind"),
    DemoRole("helix-cro", "tom.lindqvist@helixcro.example.com", "edc", "monitor", "northwind"),
    DemoRole("northwind", "david.okafor@northwind.example.com", "edocs", "qc_reviewer"),
    DemoRole("helix-cro", "tom.lindqvist@helixcro.example.com", "edocs", "monitor", "northwind"),
    DemoRole("lakeside-research", "samuel.ortiz@lakeside.example.com", "edocs", "site_filer", "northwind"),
    DemoRole("meridian-smo", "aisha.bello@meridiansmo.example.com", "edocs", "site_filer", "northwind"),
)


def accept_demo_shares(session, loaded: dict) -> list[str]:
    """Accept every pending share between two demo organizations, by the grantee's owner (in
    every organization's scope: row security shows a grant only to its two parties)."""
    ids, accepted = {org.id: owner for org, owner in loaded.values()}, []
    with current_app.test_request_context(), all_organizations():
        pending = session.scalars(select(ShareGrant).where(
            ShareGrant.status == "pending", ShareGrant.owner_org_id.in_(ids),
            ShareGrant.grantee_org_id.in_(ids)).order_by(ShareGrant.id)).all()
        for grant in pending:
            grants.accept(session, grant, ids[grant.grantee_org_id])
            accepted.append(f"{grant.scope_label} ({grant.tool_key}) from {grant.owner.slug} to {grant.grantee.slug}")
        session.commit()
    return accepted


def give_demo_roles(session, loaded: dict, problems: list[str]) -> list[DemoRole]:
    """Give each person of :data:`DEMO_ROLES` their role (those of tools not installed are
    skipped); the roles given now. A role on a share that does not exist is a problem."""
    registry, given_now = current_app.extensions["trialoffice.registry"], []
    tools = declared_permissions(registry)
    for wanted in DEMO_ROLES:
        if wanted.org not in loaded or registry.manifest(wanted.tool) is None:
            continue
        with current_app.test_request_context(), all_organizations():
            membership = session.scalar(select(Membership).join(User, User.id == Membership.user_id).where(
                Membership.org_id == loaded[wanted.org][0].id, func.lower(User.email) == wanted.email))
            given = (_give_org_role(session, membership, wanted, tools) if wanted.on_share_of is None
                     else _give_share_role(session, membership, wanted, loaded, problems))
            session.commit()
        if given:
            given_now.append(wanted)
    return given_now


def _give_org_role(session, membership: Membership, wanted: DemoRole, tools) -> bool:
    """As an admin ticking the role on the Members page (for every record of the organization)."""
    held = held_roles(session, membership.id)
    if (wanted.tool, wanted.role) in held:
        return False
    set_roles(session, membership, held | {(wanted.tool, wanted.role)}, tools)
    return True


def _give_share_role(session, membership: Membership, wanted: DemoRole, loaded: dict, problems: list[str]) -> bool:
    """As the grantee's admin ticking the role on "Who works on it" of each share that has it."""
    owner = loaded.get(wanted.on_share_of, (None,))[0]
    shares = session.scalars(select(ShareGrant).where(
        ShareGrant.status == "active", ShareGrant.tool_key == wanted.tool,
        ShareGrant.owner_org_id == (owner.id if owner else -1),
        ShareGrant.grantee_org_id == membership.org_id).order_by(ShareGrant.id)).all()
    shares = [grant for grant in shares if wanted.role in grant.roles]
    if not shares:
        problems.append(f"{wanted.org}: no share of {wanted.tool} from {wanted.on_share_of} with the role "
                         f"'{wanted.role}', so {wanted.email} was not given it.")
        return False
    given = False
    for grant in shares:
        current = {(m.id, role) for m, held in team.team(session, grant) for role in held}
        if (membership.id, wanted.role) not in current:
            team.set_team(session, grant, current | {(membership.id, wanted.role)})
            given = True
    return given


def with_tool_roles(role: str, email: str) -> str:
    """A login's role with the person's demo tool roles, e.g. "member; rtsm: statistician"."""
    registry, by_tool = current_app.extensions["trialoffice.registry"], {}
    for wanted in DEMO_ROLES:
        if wanted.email == email and registry.manifest(wanted.tool) is not None:
            by_tool.setdefault(wanted.tool, []).append(wanted.role)
    return "; ".join([role, *(f"{key}: {', '.join(roles)}" for key, roles in by_tool.items())])
