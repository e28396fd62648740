"""``tool().notifications.notify_holders(permission, record)``: everyone who holds a permission on
a shared record, in the owner and in every organization whose active grant covers the record,
each notified under their own organization, email as they chose, sent after commit."""
import pytest
from sqlalchemy import select

from host.models import MemberRole, Membership, Organization, User
from host.notifications.models import Notification, NotificationPreference
from host.sharing import grants
from sdk import org_scope, tool
from sdk.notifications import declare_kind
from tests.plugins.studytool.models import STUDY, Study, Subject
from tests.sharing.world import build_world

REVIEW_DUE = declare_kind("studytool.review_due", "Data waiting for review")


class RecordingMailer:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message["To"])


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


@pytest.fixture
def mailer(world, monkeypatch):
    recorder = RecordingMailer()
    monkeypatch.setitem(world.app.extensions, "trialoffice.mailer", recorder)
    return recorder


def _member(world, org, email, role=None, **scope):
    """A member of ``org``, with a tool role (limited by ``scope``) when ``role`` is given."""
    user = world.support.create_user(email)
    world.support.add_member(org, user)
    if role:
        with world.app.app_context():
            session = world.session
            membership_id = session.scalar(select(Membership.id).where(
                Membership.user_id == user.id, Membership.org_id == org.id))
            session.add(MemberRole(org_id=org.id, membership_id=membership_id, tool_key="studytool",
                                   role_key=role, **scope))
            session.commit()
    return user


def _share_with(world, grantee, acceptor, roles, site):
    session = world.session
    with world.app.test_request_context(), org_scope(world.sponsor.id):
        grant = grants.invite(session, owner=session.get(Organization, world.sponsor.id), grantee_slug=grantee.slug,
                              tool_key="studytool", record_type=STUDY, record_id=world.study_id,
                              record_label="ABC-301", roles=roles, site_id=world.site_ids[site], site_label=site,
                              by=session.get(User, world.sponsor_owner.id))
        grants.accept(session, grant, session.get(User, acceptor.id))
        session.commit()
        return grant.id


@pytest.fixture
def people(world):
    """The sponsor, a monitoring CRO, Site 3's organization, Site 1's organization and a stranger."""
    study_scope = {"record_type": STUDY, "record_id": world.study_id}
    site3 = {**study_scope, "site_id": world.site_ids["Site 3"]}
    cro_grant = world.share(world.cro, ["monitor"])
    world.share(world.site_org, ["investigator"], site="Site 3")
    site_one_owner = world.support.create_user("owner@site-one.example")
    site_one = world.support.create_org("site-one", type="site", owner=site_one_owner)
    _share_with(world, site_one, site_one_owner, ["investigator"], "Site 1")
    stranger_owner = world.support.create_user("owner@stranger.example")
    stranger = world.support.create_org("stranger", type="site", owner=stranger_owner)
    return {
        "cro_grant": cro_grant, "site_one": site_one, "stranger": stranger,
        "sponsor_plain": _member(world, world.sponsor, "plain@sponsor.example"),
        "sponsor_monitor_site1": _member(world, world.sponsor, "s1monitor@sponsor.example", "monitor",
                                         **study_scope, site_id=world.site_ids["Site 1"]),
        "cro_monitor": _member(world, world.cro, "monitor@cro.example", "monitor", **study_scope),
        "cro_plain": _member(world, world.cro, "plain@cro.example"),
        "site_investigator": _member(world, world.site_org, "pi@site.example", "investigator", **site3),
        "site_one_owner": site_one_owner, "stranger_owner": stranger_owner,
    }


def _notify(world, org, code="S3-001", permission="review", commit=True, model=Subject, record_id=None):
    with world.app.test_request_context(f"/o/{org.slug}/studytool/"), \
            world.support.running_tool("studytool"), org_scope(org.id):
        session = world.session
        record = session.get(model, record_id or world.subject_ids[code])
        count = tool().notifications.notify_holders(
            permission, record, kind=REVIEW_DUE.key, subject=f"Review {code}", body="Visit 2 is entered.",
            link=f"/o/{org.slug}/studytool/studies/{world.study_id}/subjects/{record.id}")
        if commit:
            session.commit()
        else:
            session.rollback()
        session.remove()
        return count


def _received(world) -> dict[str, tuple[str, str]]:
    """Each recipient's email -> (the notification's organization slug, its link)."""
    with world.app.app_context():
        rows = world.session.execute(
            select(User.email, Organization.slug, Notification.link)
            .join(Notification, Notification.user_id == User.id)
            .join(Organization, Organization.id == Notification.org_id)
            .where(Notification.kind == REVIEW_DUE.key)).all()
        world.session.remove()
    return {email: (slug, link) for email, slug, link in rows}


def test_reaches_the_holders_of_every_organization_whose_grant_covers_the_record(world, people, mailer):
    count = _notify(world, world.sponsor)
    received = _received(world)
    assert set(received) == {
        "owner@sponsor.example",               # the sponsor's owner (an admin holds everything)
        "owner@cro.example", "monitor@cro.example",  # the CRO's admin and its monitor
        "owner@site.example", "pi@site.example",     # Site 3's admin and its investigator
    }
    assert count == 5
    page = f"/studytool/studies/{world.study_id}/subjects/{world.subject_ids['S3-001']}"
    assert received["monitor@cro.example"] == ("cro", f"/o/cro{page}")
    assert received["pi@site.example"] == ("site-org", f"/o/site-org{page}")
    assert received["owner@sponsor.example"] == ("sponsor", f"/o/sponsor{page}")
    assert sorted(mailer.sent) == sorted(received)


def test_site_limited_grants_and_roles_follow_the_rows_site(world, people, mailer):
    _notify(world, world.sponsor, code="S1-001")
    assert set(_received(world)) == {"owner@sponsor.example", "s1monitor@sponsor.example", "owner@cro.example",
                                     "monitor@cro.example", "owner@site-one.example"}


def test_a_record_without_a_site_reaches_every_grantee(world, people, mailer):
    _notify(world, world.sponsor, model=Study, record_id=world.study_id, code="ABC-301")
    assert {"owner@site.example", "pi@site.example", "owner@site-one.example", "monitor@cro.example",
            "s1monitor@sponsor.example"} <= set(_received(world))
    assert "plain@sponsor.example" not in _received(world)


def test_a_grantee_notifies_the_owner_and_the_other_grantees(world, people, mailer):
    assert _notify(world, world.cro) == 5
    assert _received(world)["pi@site.example"] == (
        "site-org", f"/o/site-org/studytool/studies/{world.study_id}/subjects/{world.subject_ids['S3-001']}")


def test_email_choices_are_respected_and_mail_waits_for_commit(world, people, mailer):
    with world.app.app_context():
        world.session.add(NotificationPreference(user_id=people["cro_monitor"].id, kind=REVIEW_DUE.key, email=False))
        world.session.commit()
    assert _notify(world, world.sponsor, commit=False) == 5
    assert mailer.sent == [] and _received(world) == {}
    _notify(world, world.sponsor)
    assert "monitor@cro.example" in _received(world)
    assert "monitor@cro.example" not in mailer.sent and len(mailer.sent) == 4


def test_after_revocation_the_grantee_is_not_notified(world, people, mailer):
    world.end(people["cro_grant"])
    assert _notify(world, world.sponsor) == 3
    assert not {"owner@cro.example", "monitor@cro.example"} & set(_received(world))


def test_an_organization_without_a_grant_cannot_notify_about_the_record(world, people):
    with world.app.test_request_context(), world.support.running_tool("studytool"):
        session = world.session
        with org_scope(world.sponsor.id):
            subject = session.get(Subject, world.subject_ids["S3-001"])
        with org_scope(people["stranger"].id), pytest.raises(PermissionError):
            tool().notifications.notify_holders("review", subject, kind=REVIEW_DUE.key, subject="Peek")
        with org_scope(world.sponsor.id), pytest.raises(ValueError):
            tool().notifications.notify_holders("no_such_permission", subject, kind=REVIEW_DUE.key, subject="Typo")
        session.rollback()
        session.remove()


def test_level_one_services_reach_the_same_people_as_the_running_tool(world, people, mailer):
    from sdk import services

    with world.app.test_request_context(), world.support.running_tool("studytool"), org_scope(world.sponsor.id):
        session = world.session
        subject = session.get(Subject, world.subject_ids["S3-001"])
        assert services().notifications.notify_holders("review", subject, kind=REVIEW_DUE.key,
                                                       subject="Review S3-001") == 5
        session.commit()
        session.remove()
    assert len(_received(world)) == 5
