"""Signing a shared record: a site organization's investigator signs the sponsor's casebook of its
site through the page's dialog. The signature is the sponsor's row (and the sponsor's audit
chain) with the signer's organization on it, and every organization whose grant shows the record
sees it, no other: in the SDK's scoping and, on PostgreSQL, in raw SQL."""
import os

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from host.db import get_db
from host.models import MemberRole, Membership
from host.models.compliance import Signature
from sdk import all_organizations, org_scope
from sdk.testing import post_with_token, sign_record, submit_form
from sdk.testing.support import TEST_PASSWORD
from tests.compliance_helpers import entries
from tests.plugins.studytool.models import STUDY, Subject
from tests.runtime_fixtures import signed_in
from tests.sharing.world import build_world

ON_POSTGRESQL = "postgresql" in os.environ.get("TRIALOFFICE_TEST_DATABASE_URL", "")
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="row-level security exists on PostgreSQL only")


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


@pytest.fixture
def trial(world, support):
    """Site 3's organization holds the investigator role for its site, the CRO monitors the whole
    study, a second site organization holds Site 1; the site's PI signs with a real password."""
    site_grant = world.share(world.site_org, ["investigator"], site="Site 3")
    world.share(world.cro, ["monitor"])
    site_two = support.create_org("site-two", type="site", owner=world.site_owner)
    world.share(site_two, ["investigator"], site="Site 1")
    pi = support.create_user("pi@site.example", name="Paula Investigator")
    support.add_member(world.site_org, pi)
    with world.app.app_context():
        session = world.session
        membership_id = session.scalar(select(Membership.id).where(
            Membership.user_id == pi.id, Membership.org_id == world.site_org.id))
        session.add(MemberRole(org_id=world.site_org.id, membership_id=membership_id, tool_key="studytool",
                               role_key="investigator", record_type=STUDY, record_id=world.study_id,
                               site_id=world.site_ids["Site 3"]))
        session.commit()
    return {"site_grant": site_grant, "site_two": site_two, "pi": pi}


def _page(org_slug, world, code="S3-001") -> str:
    return f"/o/{org_slug}/studytool/studies/{world.study_id}/subjects/{world.subject_ids[code]}"


def _block(response) -> str:
    return response.get_data(as_text=True).split('class="signature-block"')[1].split("</section>")[0]


def _sign(world, trial, code="S3-001"):
    client = signed_in(world.app, trial["pi"])
    response = sign_record(client, _page("site-org", world, code),
                           {"meaning": "approved", "email": trial["pi"].email, "password": TEST_PASSWORD})
    return client, response


def _signatures(world) -> list[Signature]:
    with world.app.app_context(), all_organizations():
        rows = list(world.session.scalars(select(Signature).order_by(Signature.id)))
        world.session.remove()
        return rows


def _raw_signature_ids(world, org) -> list[int]:
    with org_scope(org.id), get_db(world.app).engine.connect() as conn:
        return sorted(conn.execute(text("SELECT id FROM signature")).scalars())


def test_site_investigator_signs_the_sponsors_casebook_and_both_see_it(world, trial):
    client, response = _sign(world, trial)
    assert response.status_code == 200
    assert "Signed by Paula Investigator, meaning: Approved." in response.get_data(as_text=True)

    [sig] = _signatures(world)
    assert (sig.org_id, sig.signer_org_id, sig.signer_id) == (world.sponsor.id, world.site_org.id, trial["pi"].id)
    assert (sig.shared_record_type, sig.shared_record_id, sig.shared_site_id, sig.shared_has_site) == (
        STUDY, world.study_id, world.site_ids["Site 3"], True)
    [event] = entries(world.app, action="sign")
    assert (event.org_id, event.actor_label, event.entity_id) == (
        world.sponsor.id, trial["pi"].email, str(world.subject_ids["S3-001"]))
    assert event.changes["signer_organization"] == [None, "Site-Org"]

    sponsor = signed_in(world.app, world.sponsor_owner)
    for who, slug in ((sponsor, "sponsor"), (client, "site-org")):
        block = _block(who.get(_page(slug, world)))
        assert "Paula Investigator" in block and "Approved" in block and "signed from Site-Org" in block, slug
        assert "stale" not in block and "not bound" not in block, slug
    assert world.visible(world.sponsor, Signature) == world.visible(world.site_org, Signature) == [sig.id]


def test_only_organizations_whose_grant_shows_the_record_see_the_signature(world, trial):
    _sign(world, trial)
    [sig] = _signatures(world)
    assert world.visible(world.cro, Signature) == [sig.id]  # whole-study grant: every site
    assert world.visible(trial["site_two"], Signature) == []  # Site 1 only
    other = signed_in(world.app, world.site_owner)
    assert other.get(_page("site-two", world)).status_code == 404


def test_an_organization_without_a_grant_gets_404(world, trial, support, fast_user):
    stranger_owner = fast_user("owner@stranger.example")
    support.create_org("stranger", type="site", owner=stranger_owner)
    support.grant_license(support.create_org("licensed", owner=stranger_owner), "studytool", enable=True)
    client = signed_in(world.app, stranger_owner)
    for slug in ("stranger", "licensed"):
        url = f"/o/{slug}/records/studytool/subject/{world.subject_ids['S3-001']}/sign"
        assert post_with_token(client, url, {"meaning": "approved", "password": TEST_PASSWORD},
                               token_from=f"/o/{slug}/").status_code == 404, slug
    # the site's own PI cannot reach a subject of another site either
    pi = signed_in(world.app, trial["pi"])
    url = f"/o/site-org/records/studytool/subject/{world.subject_ids['S1-001']}/sign"
    assert post_with_token(pi, url, {"meaning": "approved", "password": TEST_PASSWORD},
                           token_from="/o/site-org/").status_code == 404
    assert _signatures(world) == [] and entries(world.app, action="sign_failed") == []


def test_a_read_only_monitor_cannot_sign(world, trial):
    cro = signed_in(world.app, world.cro_owner)
    page = cro.get(_page("cro", world))
    assert page.status_code == 200 and "data-dialog-open" not in _block(page)
    url = f"/o/cro/records/studytool/subject/{world.subject_ids['S3-001']}/sign"
    assert post_with_token(cro, url, {"meaning": "approved", "password": TEST_PASSWORD},
                           token_from=_page("cro", world)).status_code == 403
    # a site member without the investigator role neither (the casebook is not even shown)
    member = signed_in(world.app, world.site_member)
    assert member.get(_page("site-org", world)).status_code == 404
    url = f"/o/site-org/records/studytool/subject/{world.subject_ids['S3-001']}/sign"
    assert post_with_token(member, url, {"meaning": "approved", "password": TEST_PASSWORD},
                           token_from="/o/site-org/").status_code == 403
    assert _signatures(world) == []


def test_wrong_password_is_in_the_owners_trail(world, trial):
    client = signed_in(world.app, trial["pi"])
    refused = sign_record(client, _page("site-org", world),
                          {"meaning": "approved", "email": trial["pi"].email, "password": "wrong"})
    assert "Signature refused" in refused.get_data(as_text=True)
    [event] = entries(world.app, action="sign_failed")
    assert (event.org_id, event.actor_label) == (world.sponsor.id, trial["pi"].email)
    assert _signatures(world) == []


def test_after_revocation_the_site_neither_sees_nor_signs(world, trial):
    client, _ = _sign(world, trial)
    world.end(trial["site_grant"])
    assert world.visible(world.site_org, Signature) == []
    assert client.get(_page("site-org", world)).status_code in (402, 404)
    url = f"/o/site-org/records/studytool/subject/{world.subject_ids['S3-001']}/sign"
    assert post_with_token(client, url, {"meaning": "approved", "password": TEST_PASSWORD},
                           token_from="/o/site-org/").status_code == 404
    assert len(world.visible(world.sponsor, Signature)) == 1


def test_a_change_after_signing_makes_the_signature_stale_for_everyone(world, trial):
    client, _ = _sign(world, trial)
    sponsor = signed_in(world.app, world.sponsor_owner)
    assert submit_form(sponsor, _page("sponsor", world), {"code": "S3-001b"},
                       action=_page("sponsor", world)).status_code == 302
    for who, slug in ((sponsor, "sponsor"), (client, "site-org")):
        block = _block(who.get(_page(slug, world)))
        assert "Paula Investigator" in block and "stale: the record changed after signing" in block, slug


def _add_signature(world, **coordinates) -> int:
    with world.app.app_context(), org_scope(world.sponsor.id):
        session = world.session
        sig = Signature(tool="studytool", entity_type="subject", entity_id="1", signer_id=world.sponsor_owner.id,
                        printed_name="Sam Sponsor", signer_email="owner@sponsor.example", meaning="approved",
                        content_hash="0" * 64, binding_hash="0" * 64, signer_org_id=world.sponsor.id, **coordinates)
        session.add(sig)
        session.commit()
        return sig.id


def test_site_limited_grants_follow_the_record_models_site_rule(world, trial):
    """A signature of a study-level record (no site column) is seen by every grant of the study;
    one of a site record only by whole-study grants and that site's; a record never shared by no one."""
    study_level = _add_signature(world, shared_record_type=STUDY, shared_record_id=world.study_id,
                                 shared_site_id=None, shared_has_site=False)
    site_one = _add_signature(world, shared_record_type=STUDY, shared_record_id=world.study_id,
                              shared_site_id=world.site_ids["Site 1"], shared_has_site=True)
    no_site = _add_signature(world, shared_record_type=STUDY, shared_record_id=world.study_id,
                             shared_site_id=None, shared_has_site=True)
    other_study = _add_signature(world, shared_record_type=STUDY, shared_record_id=world.other_study_id,
                                 shared_site_id=None, shared_has_site=False)
    never_shared = _add_signature(world)
    assert world.visible(world.sponsor, Signature) == [study_level, site_one, no_site, other_study, never_shared]
    assert world.visible(world.cro, Signature) == [study_level, site_one, no_site]
    assert world.visible(world.site_org, Signature) == [study_level]
    assert world.visible(trial["site_two"], Signature) == [study_level, site_one]
    if ON_POSTGRESQL:
        for org in (world.sponsor, world.cro, world.site_org, trial["site_two"]):
            assert _raw_signature_ids(world, org) == world.visible(org, Signature), org.slug


@postgresql_only
def test_raw_sql_sees_what_the_orm_shows_and_writes_only_what_a_grant_covers(world, trial):
    _sign(world, trial)
    for org in (world.sponsor, world.cro, world.site_org, trial["site_two"]):
        assert _raw_signature_ids(world, org) == world.visible(org, Signature), org.slug
    insert = text("INSERT INTO signature (org_id, tool, entity_type, entity_id, signer_id, printed_name, "
                  "signer_email, meaning, signed_at, content_hash, binding_hash, shared_record_type, "
                  "shared_record_id, shared_site_id, shared_has_site) VALUES (:org, 'studytool', 'subject', '1', "
                  ":user, 'x', 'x@x', 'approved', now(), :h, :h, :type, :study, :site, true)")
    values = {"org": world.sponsor.id, "user": trial["pi"].id, "h": "0" * 64, "type": STUDY,
              "study": world.study_id}
    with org_scope(world.site_org.id), get_db(world.app).engine.begin() as conn:
        conn.execute(insert, {**values, "site": world.site_ids["Site 3"]})  # its site: covered
        with pytest.raises(DBAPIError):
            with conn.begin_nested():
                conn.execute(insert, {**values, "site": world.site_ids["Site 1"]})
        assert conn.execute(text("DELETE FROM signature")).rowcount == 0  # the owner's rows stay
        assert conn.execute(text("UPDATE signature SET meaning = 'reviewed'")).rowcount == 0
    with org_scope(world.cro.id), get_db(world.app).engine.begin() as conn:
        assert conn.execute(text("DELETE FROM signature")).rowcount == 0
    assert len(_raw_signature_ids(world, world.sponsor)) == 2


def test_for_record_lists_the_same_signatures_to_owner_and_grantee(world, trial):
    _sign(world, trial)
    from flask import g
    from flask_login import login_user

    from host.compliance.esign import HostSignatures
    from host.models import User
    from host.orgctx import load_org

    lists = {}
    for org, user in ((world.sponsor, world.sponsor_owner), (world.site_org, trial["pi"])):
        with world.app.test_request_context(f"/o/{org.slug}/"):
            session = world.session
            login_user(session.get(User, user.id))
            g.org_slug = org.slug
            load_org(org.slug)
            with org_scope(org.id):
                subject = session.get(Subject, world.subject_ids["S3-001"])
                lists[org.slug] = [(s.id, s.printed_name, s.signer_org_name, s.stale, s.bound)
                                   for s in HostSignatures().for_record(subject)]
            session.remove()
    assert lists["sponsor"] == lists["site-org"]
    assert [row[1:] for row in lists["sponsor"]] == [("Paula Investigator", "Site-Org", False, True)]
