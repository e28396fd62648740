"""Roles and ``can(permission, record)``: the one check, for own records and shared ones."""
import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import select

from host.models import MemberRole, Membership, User
from host.orgctx import load_org
from sdk import org_scope, tool
from sdk.testing import submit_form
from tests.plugins.studytool.models import Study, Subject
from tests.runtime_fixtures import signed_in
from tests.sharing.world import build_world


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


@pytest.fixture
def sponsor_member(world, fast_user):
    user = fast_user("member@sponsor.example")
    world.support.add_member(world.sponsor, user)
    with world.app.app_context():
        membership_id = world.session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.org_id == world.sponsor.id))
    return user, membership_id


def _give(world, membership_id, role, org, **scope):
    with world.app.app_context():
        world.session.add(MemberRole(org_id=org.id, membership_id=membership_id, tool_key="studytool",
                                     role_key=role, **scope))
        world.session.commit()


def _can(world, user, org, permission, model=None, record_id=None):
    """``tool().can`` inside a request of ``user`` in ``org``, about one record or anywhere."""
    with world.app.test_request_context(f"/o/{org.slug}/studytool/"):
        session = world.session
        login_user(session.get(User, user.id))
        g.org_slug = org.slug
        load_org(org.slug)
        with world.support.running_tool("studytool"), org_scope(org.id):
            record = session.get(model, record_id) if model else None
            return tool().can(permission, record)


def test_plain_member_holds_nothing_until_given_a_role(world, sponsor_member):
    user, membership_id = sponsor_member
    assert not _can(world, user, world.sponsor, "view_study", Study, world.study_id)
    _give(world, membership_id, "monitor", world.sponsor)
    assert _can(world, user, world.sponsor, "view_study", Study, world.study_id)
    assert _can(world, user, world.sponsor, "review", Subject, world.subject_ids["S1-001"])
    assert not _can(world, user, world.sponsor, "enter_data", Subject, world.subject_ids["S1-001"])


def test_role_limited_to_one_study_and_site_covers_only_those(world, sponsor_member):
    user, membership_id = sponsor_member
    _give(world, membership_id, "site_coordinator", world.sponsor, record_type="studytool.study",
          record_id=world.study_id, site_id=world.site_ids["Site 3"])
    assert _can(world, user, world.sponsor, "enter_data", Subject, world.subject_ids["S3-001"])
    assert not _can(world, user, world.sponsor, "enter_data", Subject, world.subject_ids["S1-001"])
    assert _can(world, user, world.sponsor, "view_study", Study, world.study_id)  # the study has no site
    assert not _can(world, user, world.sponsor, "view_study", Study, world.other_study_id)
    assert _can(world, user, world.sponsor, "enter_data")  # anywhere: what the gate asks


def test_owner_holds_everything_on_own_records_and_grant_roles_on_shared_ones(world):
    assert _can(world, world.sponsor_owner, world.sponsor, "manage_study", Study, world.study_id)
    world.share(world.cro, ["monitor"])
    assert _can(world, world.cro_owner, world.cro, "review", Subject, world.subject_ids["S1-001"])
    assert not _can(world, world.cro_owner, world.cro, "enter_data", Subject, world.subject_ids["S1-001"])
    assert not _can(world, world.cro_owner, world.cro, "manage_study", Study, world.study_id)


def test_unknown_permission_fails_loudly(world):
    with pytest.raises(ValueError, match="declares no permission 'veiw_study'"):
        _can(world, world.sponsor_owner, world.sponsor, "veiw_study")


def test_role_the_tool_no_longer_declares_grants_nothing(world, sponsor_member):
    user, membership_id = sponsor_member
    _give(world, membership_id, "retired_role", world.sponsor)
    assert not _can(world, user, world.sponsor, "view_study", Study, world.study_id)


def test_members_page_gives_organization_wide_roles(world, sponsor_member):
    user, membership_id = sponsor_member
    owner = signed_in(world.app, world.sponsor_owner)
    page = f"/o/sponsor/members/{membership_id}/permissions"
    assert b"Data manager" in owner.get(page).data
    refused = submit_form(owner, page, {"role": ["studytool:boss"]})
    assert refused.status_code == 400 and b"not a role of tool" in refused.data
    assert submit_form(owner, page, {"role": ["studytool:monitor"]}).status_code == 302
    member = signed_in(world.app, user)
    assert member.get(f"/o/sponsor/studytool/studies/{world.study_id}").status_code == 200
