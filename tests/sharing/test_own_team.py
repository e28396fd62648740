"""``tool().sharing.team`` / ``set_team``: the owner names who of its own people holds which of
the tool's roles on one of its records; the roles count on that record only, every change is
audited, and nothing is saved when one assignment is wrong."""
import pytest
from sqlalchemy import func, select

from host.models import AuditEntry, MemberRole, Membership
from sdk import org_scope, tool
from sdk.sharing import ShareError
from tests.plugins.studytool.models import Study
from tests.sharing.test_roles import _can
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


def _as_sponsor(world, fn):
    with world.app.test_request_context(), world.support.running_tool("studytool"), org_scope(world.sponsor.id):
        result = fn(world.session.get(Study, world.study_id))
        world.session.commit()
        return result


def test_a_role_named_on_one_study_counts_there_only(world, sponsor_member):
    user, membership_id = sponsor_member
    added = _as_sponsor(world, lambda study: tool().sharing.set_team(study, {user.id: ["monitor"]}))
    assert added == (1, 0)
    assert _can(world, user, world.sponsor, "review", Study, world.study_id)
    assert not _can(world, user, world.sponsor, "review", Study, world.other_study_id)
    team = _as_sponsor(world, lambda study: tool().sharing.team(study))
    mine = next(m for m in team if m.user_id == user.id)
    assert mine.roles == ("monitor",) and mine.org_wide_roles == () and mine.org_role == "member"
    assert team[0].org_role == "owner", "owners and admins first"
    with world.app.app_context():
        audited = world.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_type == "member_role", AuditEntry.org_id == world.sponsor.id))
    assert audited >= 1

    removed = _as_sponsor(world, lambda study: tool().sharing.set_team(study, {user.id: []}))
    assert removed == (0, 1)
    assert not _can(world, user, world.sponsor, "review", Study, world.study_id)


def test_an_unknown_role_or_stranger_saves_nothing(world, sponsor_member):
    user, _ = sponsor_member
    for wanted, message in (({user.id: ["monitor", "pope"]}, "'pope' is not a role"),
                            ({user.id: ["monitor"], 999999: ["monitor"]}, "not a member")):
        with pytest.raises(ShareError, match=message):
            _as_sponsor(world, lambda study, wanted=wanted: tool().sharing.set_team(study, wanted))
        world.session.rollback()
    with world.app.app_context():
        assert world.session.scalars(select(MemberRole).where(MemberRole.record_id == world.study_id)).all() == []


def test_only_the_owner_chooses_the_team_of_its_record(world, sponsor_member):
    world.share(world.cro, ["monitor"])
    with world.app.test_request_context(), world.support.running_tool("studytool"), org_scope(world.cro.id):
        study = world.session.get(Study, world.study_id)
        with pytest.raises(ShareError, match="Only the organization that owns"):
            tool().sharing.team(study)
