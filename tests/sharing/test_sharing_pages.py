"""Sharing through the public surface: invitations answered by the grantee's admins on the
Sharing page, the tool's pages and API limited to the grant, the owner's license covering the
grantee, and revocation."""
import pytest
from sqlalchemy import select

from host.models import MemberRole, Membership, ShareGrant
from host.notifications.models import Notification
from sdk import all_organizations
from sdk.testing import post_with_token, submit_form
from tests.runtime_fixtures import signed_in
from tests.sharing.world import build_world


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


def _grant(world, **where):
    with world.app.app_context(), all_organizations():
        return world.session.scalar(select(ShareGrant).filter_by(**where).order_by(ShareGrant.id.desc()))


def test_owner_shares_from_the_tool_and_grantee_admin_accepts(world):
    sponsor = signed_in(world.app, world.sponsor_owner)
    study_page = f"/o/sponsor/studytool/studies/{world.study_id}"
    response = submit_form(sponsor, study_page, {"org": "site-org", "role": ["site_coordinator"],
                                                 "site_id": str(world.site_ids["Site 3"])},
                           action=f"{study_page}/share")
    assert response.status_code == 302
    grant = _grant(world, grantee_org_id=world.site_org.id)
    assert (grant.status, grant.roles, grant.site_id) == ("pending", ["site_coordinator"], world.site_ids["Site 3"])
    with world.app.app_context():
        notes = world.session.scalars(select(Notification).where(Notification.kind == "share_invitation")).all()
        assert [n.user_id for n in notes] == [world.site_owner.id]  # the grantee's admins, not members

    member = signed_in(world.app, world.site_member)
    page = member.get("/o/site-org/sharing")
    assert b"ABC-301" in page.data and b"Accept" not in page.data
    assert post_with_token(member, f"/o/site-org/sharing/{grant.id}/accept",
                           token_from="/o/site-org/sharing").status_code == 403
    assert member.get("/o/site-org/studytool/").status_code == 402  # nothing until accepted

    owner = signed_in(world.app, world.site_owner)
    response = submit_form(owner, "/o/site-org/sharing", {}, action=f"/o/site-org/sharing/{grant.id}/accept")
    assert response.status_code == 302
    assert _grant(world, id=grant.id).status == "active"
    with world.app.app_context():
        answered = world.session.scalars(select(Notification).where(Notification.kind == "share_answered")).all()
        assert [n.user_id for n in answered] == [world.sponsor_owner.id]


def test_site_works_on_its_site_through_pages_and_api_without_a_license(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    owner = signed_in(world.app, world.site_owner)
    listing = owner.get("/o/site-org/studytool/")
    assert listing.status_code == 200 and b"ABC-301" in listing.data and b"XYZ-900" not in listing.data
    page = owner.get(f"/o/site-org/studytool/studies/{world.study_id}")
    assert b"S3-001" in page.data and b"S1-001" not in page.data and b"Site 1" not in page.data
    assert owner.get(f"/o/site-org/studytool/studies/{world.other_study_id}").status_code == 404

    api = owner.get("/api/v1/o/site-org/studytool/subjects")
    assert sorted(s["code"] for s in api.get_json()["subjects"]) == ["S3-001", "S3-002"]

    added = submit_form(owner, f"/o/site-org/studytool/studies/{world.study_id}",
                        {"site_id": str(world.site_ids["Site 3"]), "code": "S3-003"},
                        action=f"/o/site-org/studytool/studies/{world.study_id}/subjects")
    assert added.status_code == 302
    sponsor_api = signed_in(world.app, world.sponsor_owner).get("/api/v1/o/sponsor/studytool/subjects")
    assert "S3-003" in [s["code"] for s in sponsor_api.get_json()["subjects"]]


def test_site_cannot_create_studies_of_its_own_on_the_sponsors_license(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    owner = signed_in(world.app, world.site_owner)
    response = submit_form(owner, "/o/site-org/studytool/", {"title": "Own study"},
                           action="/o/site-org/studytool/studies")
    assert response.status_code == 402
    assert b"records shared with it only" in response.data
    assert world.visible(world.site_org, __import__("tests.plugins.studytool.models", fromlist=["Study"]).Study) \
        == [world.study_id]


def test_member_works_on_a_shared_study_once_an_admin_gives_them_a_role(world):
    """Visibility is the organization's; rights are per member: a plain member of the site holds
    the grant's roles only once an admin gives them on the share's team page."""
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    member = signed_in(world.app, world.site_member)
    study_page = f"/o/site-org/studytool/studies/{world.study_id}"
    assert member.get(study_page).status_code == 404  # no view_study yet
    team_page = f"/o/site-org/sharing/{grant_id}/team"
    assert post_with_token(member, team_page, {"assign": "1:site_coordinator"}, token_from=team_page).status_code == 403

    owner = signed_in(world.app, world.site_owner)
    with world.app.app_context():
        membership = world.session.scalar(select(Membership.id).where(
            Membership.user_id == world.site_member.id, Membership.org_id == world.site_org.id))
    refused = submit_form(owner, team_page, {"assign": [f"{membership}:data_manager"]})
    assert refused.status_code == 400 and b"not a role of this share" in refused.data
    assert submit_form(owner, team_page, {"assign": [f"{membership}:site_coordinator"]}).status_code == 302
    assert member.get(study_page).status_code == 200
    assert submit_form(owner, team_page, {"assign": []}).status_code == 302
    assert member.get(study_page).status_code == 404


def test_monitor_reads_but_cannot_enter(world):
    world.share(world.cro, ["monitor"])
    cro = signed_in(world.app, world.cro_owner)
    assert b"S1-001" in cro.get(f"/o/cro/studytool/studies/{world.study_id}").data
    response = submit_form(cro, f"/o/cro/studytool/studies/{world.study_id}",
                           {"site_id": str(world.site_ids["Site 1"]), "code": "CRO-1"},
                           action=f"/o/cro/studytool/studies/{world.study_id}/subjects")
    assert response.status_code == 403


def test_revocation_from_the_sharing_page_ends_access(world):
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    sponsor = signed_in(world.app, world.sponsor_owner)
    assert b"Revoke" in sponsor.get("/o/sponsor/sharing").data
    response = submit_form(sponsor, "/o/sponsor/sharing", {"side": "owner"},
                           action=f"/o/sponsor/sharing/{grant_id}/end")
    assert response.status_code == 302
    site = signed_in(world.app, world.site_owner)
    assert site.get("/o/site-org/studytool/").status_code == 402
    assert site.get("/api/v1/o/site-org/studytool/subjects").status_code == 402


def test_another_organizations_grant_is_not_found(world):
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    cro = signed_in(world.app, world.cro_owner)
    for action in ("accept", "decline"):
        assert post_with_token(cro, f"/o/cro/sharing/{grant_id}/{action}",
                               token_from="/o/cro/sharing").status_code == 404
    for side in ("owner", "grantee"):
        assert post_with_token(cro, f"/o/cro/sharing/{grant_id}/end", {"side": side},
                               token_from="/o/cro/sharing").status_code == 404


def test_share_refusals_have_clear_messages_and_change_nothing(world):
    sponsor = signed_in(world.app, world.sponsor_owner)
    study_page = f"/o/sponsor/studytool/studies/{world.study_id}"
    cases = [({"org": "nobody", "role": ["monitor"]}, b"no organization"),
             ({"org": "cro", "role": []}, b"at least one role"),
             ({"org": "cro", "role": ["boss"]}, b"has no role boss"),
             ({"org": "sponsor", "role": ["monitor"]}, b"with itself")]
    for data, message in cases:
        response = submit_form(sponsor, study_page, data, action=f"{study_page}/share")
        assert response.status_code == 400 and message in response.data, data
    assert _grant(world) is None


def test_ending_a_share_takes_back_the_roles_its_members_held_on_it(world):
    """A later share of the same record starts with nobody named: roles given on the old one
    do not come back with it."""
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    owner = signed_in(world.app, world.site_owner)
    with world.app.app_context():
        membership = world.session.scalar(select(Membership.id).where(
            Membership.user_id == world.site_member.id, Membership.org_id == world.site_org.id))
    team_page = f"/o/site-org/sharing/{grant_id}/team"
    assert submit_form(owner, team_page, {"assign": [f"{membership}:site_coordinator"]}).status_code == 302
    world.end(grant_id)
    with world.app.app_context():
        left = world.session.scalars(select(MemberRole).where(MemberRole.membership_id == membership)).all()
    assert left == []
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    member = signed_in(world.app, world.site_member)
    assert member.get(f"/o/site-org/studytool/studies/{world.study_id}").status_code == 404
