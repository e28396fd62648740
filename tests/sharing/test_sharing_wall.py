"""Tenant scoping honours grants: a granted study and its children are visible to the grantee
under the grant's rights, and nothing else is; revoking removes access at once.

The queries are written as a careless tool author would (no filter of their own)."""
import pytest
from sqlalchemy import delete, select, update

from sdk import TenantScopeError, org_scope, tool
from sdk.sharing import ShareError
from tests.plugins.studytool.models import Study, StudyNote, StudySite, Subject
from tests.sharing.world import build_world


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


def test_before_any_grant_other_organizations_see_nothing(world):
    for org in (world.cro, world.site_org):
        for model in (Study, StudySite, Subject, StudyNote):
            assert world.visible(org, model) == []


def test_site_grant_shows_the_study_and_that_sites_rows_only(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    site3 = world.site_ids["Site 3"]
    assert world.visible(world.site_org, Study) == [world.study_id]
    assert world.visible(world.site_org, StudySite) == [site3]
    assert world.visible(world.site_org, Subject) == sorted(
        [world.subject_ids["S3-001"], world.subject_ids["S3-002"]])
    assert len(world.visible(world.site_org, StudyNote)) == 1  # study-level rows follow the study
    # the sponsor still sees everything of its own
    assert len(world.visible(world.sponsor, Subject)) == 3


def test_pending_or_declined_invitations_show_nothing(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3", accept=False)
    assert world.visible(world.site_org, Subject) == []


def test_revoking_removes_access_at_once(world):
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    assert world.visible(world.site_org, Study) == [world.study_id]
    world.end(grant_id)
    for model in (Study, StudySite, Subject, StudyNote):
        assert world.visible(world.site_org, model) == []


def test_grantee_writes_land_in_the_owners_study(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    session = world.session
    with world.app.app_context(), org_scope(world.site_org.id):
        study = session.get(Study, world.study_id)
        site = session.get(StudySite, world.site_ids["Site 3"])
        subject = Subject(study=study, site=site, code="S3-003")
        session.add(subject)
        session.commit()
        assert subject.org_id == world.sponsor.id
        subject.code = "S3-003A"
        session.commit()
    assert len(world.visible(world.sponsor, Subject)) == 4


def test_grantee_cannot_write_outside_its_site(world):
    world.share(world.site_org, ["site_coordinator"], site="Site 3")
    session = world.session
    with world.app.app_context(), org_scope(world.site_org.id):
        session.add(Subject(study_id=world.study_id, site_id=world.site_ids["Site 1"], code="SNEAK",
                            org_id=world.sponsor.id))
        with pytest.raises(TenantScopeError):
            session.commit()
        session.rollback()
        subject = session.get(Subject, world.subject_ids["S3-001"])
        subject.site_id = world.site_ids["Site 1"]  # moving a subject out of the granted site
        with pytest.raises(TenantScopeError):
            session.commit()
        session.rollback()
    assert len(world.visible(world.sponsor, Subject)) == 3


def test_new_rows_without_a_grant_stay_the_grantees_own(world):
    """A subject for a study the site holds no grant of cannot borrow the sponsor's org."""
    session = world.session
    with world.app.app_context(), org_scope(world.site_org.id):
        session.add(Subject(study_id=world.study_id, site_id=world.site_ids["Site 3"], code="X"))
        with pytest.raises(TenantScopeError):
            session.commit()  # stamped with the site org, then refused: the study is not its own
        session.rollback()


def test_read_only_grant_sees_everything_and_changes_nothing(world):
    world.share(world.cro, ["monitor"])
    session = world.session
    assert len(world.visible(world.cro, Subject)) == 3
    with world.app.app_context(), org_scope(world.cro.id):
        subject = session.get(Subject, world.subject_ids["S1-001"])
        subject.code = "TAMPERED"
        with pytest.raises(TenantScopeError):
            session.commit()
        session.rollback()
        session.delete(session.get(Subject, world.subject_ids["S1-001"]))
        with pytest.raises(TenantScopeError):
            session.commit()
        session.rollback()
        assert session.execute(update(StudyNote).values(body="BULK")).rowcount == 0
        assert session.execute(delete(StudyNote)).rowcount == 0
        session.commit()
    with world.app.app_context(), org_scope(world.sponsor.id):
        assert sorted(session.scalars(select(Subject.code))) == ["S1-001", "S3-001", "S3-002"]
        assert sorted(session.scalars(select(StudyNote.body))) == ["Protocol v2 approved", "secret"]
        session.rollback()


def test_writable_whole_study_grant_can_bulk_update_only_that_study(world):
    world.share(world.cro, ["data_manager"])
    session = world.session
    with world.app.app_context(), org_scope(world.cro.id):
        assert session.execute(update(StudyNote).values(body="edited by CRO")).rowcount == 1
        session.commit()
    with world.app.app_context(), org_scope(world.sponsor.id):
        assert sorted(session.scalars(select(StudyNote.body))) == ["edited by CRO", "secret"]
        session.rollback()


def test_grant_of_one_study_never_shows_another(world):
    world.share(world.cro, ["data_manager"])
    assert world.visible(world.cro, Study) == [world.study_id]
    session = world.session
    with world.app.app_context(), org_scope(world.cro.id):
        assert session.get(Study, world.other_study_id) is None
        session.rollback()


def test_tool_sharing_lists_received_grants_and_the_owner_revokes(world):
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    with world.app.test_request_context(), world.support.running_tool("studytool"):
        with org_scope(world.site_org.id):
            received = tool().sharing.received()
            assert [(g.id, g.owner_org, g.site_label, g.roles) for g in received] == [
                (grant_id, "sponsor", "Site 3", ("site_coordinator",))]
            with pytest.raises(ShareError):
                tool().sharing.revoke(grant_id)  # only the owner revokes (the grantee gives up on its page)
        with org_scope(world.sponsor.id):
            study = world.session.get(Study, world.study_id)
            assert [g.grantee_org for g in tool().sharing.grants_of(study)] == ["site-org"]
            tool().sharing.revoke(grant_id)
            world.session.commit()
        with org_scope(world.site_org.id):
            assert tool().sharing.received() == []
    assert world.visible(world.site_org, Subject) == []
