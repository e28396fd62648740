"""``Permission(held_by_admins=False)``: a permission owners and admins do not hold by their rank.

rtsm's "see treatment arms" is the reason: nobody is unblinded by being an administrator. Such a
permission is held only by the people given it by name: a tick or a tool role on the Members
page for the organization's own people, the role on the share's "Who works on it" page for the
people of an organization the record is shared with. The tests run the miniature study tool
with one such permission (``break_blind``) and a role that contains it.
"""
from __future__ import annotations

import dataclasses
import types
from html import unescape

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import select

from host.models import Membership, User
from host.orgctx import load_org
from sdk import Manifest, Permission, Role, org_scope, tool
from sdk.manifest import ManifestError
from sdk.testing import post_with_token, submit_form
from tests.plugins import studytool, testtool
from tests.plugins.studytool.models import Study, Subject
from tests.runtime_fixtures import signed_in
from tests.sharing.world import build_world

KEPT = "break_blind"
UNBLINDER = "unblinding_investigator"


def _keeper_tool() -> types.ModuleType:
    """The study tool, its manifest extended with a kept permission and a role holding it."""
    module = types.ModuleType("tests.test_permissions_kept_from_admins.studytool")
    module.manifest = dataclasses.replace(
        studytool.manifest,
        permissions=(*studytool.manifest.permissions,
                     Permission(KEPT, "Break the blind", "Reveal a subject's treatment", held_by_admins=False)),
        roles=(*studytool.manifest.roles,
               Role(UNBLINDER, "Unblinding investigator", ("view_study", "enter_data", KEPT))))
    for hook in ("tool_blueprint", "tool_api_blueprint", "migrations_dir"):
        setattr(module, hook, getattr(studytool, hook))
    return module


KEEPER = _keeper_tool()


@pytest.fixture(scope="module")
def trialoffice_plugins():
    return [testtool, KEEPER]


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


@pytest.fixture
def sponsor_admin(world, fast_user):
    user = fast_user("admin@sponsor.example")
    world.support.add_member(world.sponsor, user, role="admin")
    return user


def membership_id(world, org, user) -> int:
    with world.app.app_context():
        return world.session.scalar(select(Membership.id).where(Membership.org_id == org.id,
                                                                Membership.user_id == user.id))


def can(world, user, org, permission, model=None, record_id=None, *, load_as_owner=False) -> bool:
    """``tool().can`` inside a request of ``user`` in ``org``, about one record or anywhere;
    ``load_as_owner`` reads the record in the sponsor's scope (one ``org`` may no longer see)."""
    with world.app.test_request_context(f"/o/{org.slug}/studytool/"):
        session = world.session
        login_user(session.get(User, user.id))
        g.org_slug = org.slug
        load_org(org.slug)
        with world.support.running_tool("studytool"):
            with org_scope(world.sponsor.id if load_as_owner else org.id):
                record = session.get(model, record_id) if model else None
            assert model is None or record is not None, "ask about a record the organization can see"
            with org_scope(org.id):
                return tool().can(permission, record)


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_owner_holds_every_ordinary_permission_but_not_the_kept_one(world, sponsor_admin):
    for user in (world.sponsor_owner, sponsor_admin):
        assert can(world, user, world.sponsor, "manage_study", Study, world.study_id)
        assert can(world, user, world.sponsor, "sign_casebook", Subject, world.subject_ids["S1-001"])
        assert not can(world, user, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])
        assert not can(world, user, world.sponsor, KEPT)  # not anywhere either: the gate's question


def test_members_page_of_an_admin_offers_only_the_kept_permission_and_the_roles(world, sponsor_admin):
    owner = signed_in(world.app, world.sponsor_owner)
    page = text(owner.get(f"/o/sponsor/members/{membership_id(world, world.sponsor, sponsor_admin)}/permissions"))
    assert "holds every tool permission except those" in page
    assert f'name="permission" value="studytool:{KEPT}"' in page
    assert 'value="studytool:manage_study"' not in page and "(owners and admins)" in page
    assert f'name="role" value="studytool:{UNBLINDER}"' in page
    assert "Test Tool" not in page  # a tool keeping nothing from admins has nothing to tick for them


def test_the_owner_given_the_role_on_the_members_page_holds_the_kept_permission(world):
    owner = signed_in(world.app, world.sponsor_owner)
    url = f"/o/sponsor/members/{membership_id(world, world.sponsor, world.sponsor_owner)}/permissions"
    assert submit_form(owner, url, {"role": [f"studytool:{UNBLINDER}"]}).status_code == 302
    assert can(world, world.sponsor_owner, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])
    assert f'value="studytool:{UNBLINDER}" checked' in text(owner.get(url))
    assert submit_form(owner, url, {}).status_code == 302  # nothing ticked: taken away again
    assert not can(world, world.sponsor_owner, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])


def test_an_admin_ticked_directly_holds_the_kept_permission(world, sponsor_admin):
    owner = signed_in(world.app, world.sponsor_owner)
    url = f"/o/sponsor/members/{membership_id(world, world.sponsor, sponsor_admin)}/permissions"
    assert submit_form(owner, url, {"permission": [f"studytool:{KEPT}"]}).status_code == 302
    assert can(world, sponsor_admin, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])
    assert not can(world, world.sponsor_owner, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])


def test_an_admin_cannot_be_ticked_an_ordinary_permission_they_hold_anyway(world, sponsor_admin):
    owner = signed_in(world.app, world.sponsor_owner)
    url = f"/o/sponsor/members/{membership_id(world, world.sponsor, sponsor_admin)}/permissions"
    refused = post_with_token(owner, url, {"permission": "studytool:manage_study"})
    assert refused.status_code == 400 and "not a permission that can be granted" in text(refused)


def test_a_member_given_the_role_holds_it_like_any_other_role(world, fast_user):
    member = fast_user("member@sponsor.example")
    world.support.add_member(world.sponsor, member)
    assert not can(world, member, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])
    owner = signed_in(world.app, world.sponsor_owner)
    url = f"/o/sponsor/members/{membership_id(world, world.sponsor, member)}/permissions"
    assert submit_form(owner, url, {"role": [f"studytool:{UNBLINDER}"]}).status_code == 302
    assert can(world, member, world.sponsor, KEPT, Subject, world.subject_ids["S1-001"])


def test_a_grantee_owner_holds_the_grants_ordinary_permissions_but_the_kept_one_only_once_on_the_team(world):
    grant_id = world.share(world.site_org, [UNBLINDER], site="Site 3")
    subject = world.subject_ids["S3-001"]
    site_owner = world.site_owner
    assert can(world, site_owner, world.site_org, "view_study", Subject, subject)
    assert can(world, site_owner, world.site_org, "enter_data", Subject, subject)
    assert not can(world, site_owner, world.site_org, KEPT, Subject, subject)
    assert not can(world, site_owner, world.site_org, KEPT)

    give_on_team(world, grant_id, site_owner)
    assert can(world, site_owner, world.site_org, KEPT, Subject, subject)
    assert can(world, site_owner, world.site_org, KEPT)


def test_a_grantee_member_not_on_the_team_does_not_hold_it(world):
    grant_id = world.share(world.site_org, [UNBLINDER], site="Site 3")
    give_on_team(world, grant_id, world.site_owner)
    assert not can(world, world.site_member, world.site_org, KEPT, Subject, world.subject_ids["S3-001"])
    assert not can(world, world.site_member, world.site_org, "view_study", Subject, world.subject_ids["S3-001"])


def test_ending_the_share_takes_the_kept_permission_away(world):
    grant_id = world.share(world.site_org, [UNBLINDER], site="Site 3")
    give_on_team(world, grant_id, world.site_owner)
    subject = world.subject_ids["S3-001"]
    assert can(world, world.site_owner, world.site_org, KEPT, Subject, subject, load_as_owner=True)
    world.end(grant_id)
    assert not can(world, world.site_owner, world.site_org, KEPT, Subject, subject, load_as_owner=True)


def give_on_team(world, grant_id: int, user) -> None:
    """The grantee's owner ticks ``user`` for the kept role on the share's "Who works on it"."""
    client = signed_in(world.app, world.site_owner)
    team = f"/o/site-org/sharing/{grant_id}/team"
    assigned = f"{membership_id(world, world.site_org, user)}:{UNBLINDER}"
    assert post_with_token(client, team, {"assign": assigned}, token_from=team).status_code == 302


def test_the_manifest_refuses_a_permission_every_member_holds_but_admins_do_not():
    manifest = Manifest(key="odd", name="Odd", summary="An odd tool.", version="1.0", publisher="QA", api_level=2,
                        permissions=(Permission("peek", "Peek", default_for_members=True, held_by_admins=False),))
    assert manifest.problems() == [
        "permission peek: a permission every member holds cannot be kept from admins"]
    with pytest.raises(ManifestError):
        manifest.validate()


def test_without_a_tool_keeping_permissions_an_admin_still_holds_every_tool_permission(make_app, world,
                                                                                        sponsor_admin):
    bare = make_app(plugins=["testtool"])
    client = bare.test_client()
    bare.extensions["trialoffice.testing"].login(client, world.sponsor_owner)
    page = text(client.get(f"/o/sponsor/members/{membership_id(world, world.sponsor, sponsor_admin)}/permissions"))
    assert "holds every tool permission." in page and "except those" not in page
    assert 'name="permission"' not in page and 'name="role"' not in page
