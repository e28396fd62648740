"""A sponsor's study worked by a CRO and a site organization: the fixture of the sharing tests."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from host.db import get_db
from host.models import Organization, ShareGrant, User
from host.sharing import grants
from sdk import org_scope
from sdk.services import OrgRef, UserRef
from sdk.testing.support import TestingSupport
from tests.plugins.studytool.models import Study, StudyNote, StudySite, Subject


@dataclass
class StudyWorld:
    app: Flask
    support: TestingSupport
    sponsor: OrgRef
    cro: OrgRef
    site_org: OrgRef
    sponsor_owner: UserRef
    cro_owner: UserRef
    site_owner: UserRef
    site_member: UserRef
    study_id: int
    other_study_id: int
    site_ids: dict[str, int]
    subject_ids: dict[str, int]

    @property
    def session(self):
        return get_db(self.app).session

    def share(self, grantee: OrgRef, roles: list[str], *, site: str | None = None, accept: bool = True) -> int:
        """The sponsor shares the study (one site of it, with ``site``); the grantee's owner accepts."""
        session = self.session
        with self.app.test_request_context(), org_scope(self.sponsor.id):
            owner = session.get(User, self.sponsor_owner.id)
            grant = grants.invite(session, owner=session.get(Organization, self.sponsor.id), grantee_slug=grantee.slug,
                                  tool_key="studytool", record_type="studytool.study", record_id=self.study_id,
                                  record_label="ABC-301", roles=roles,
                                  site_id=self.site_ids[site] if site else None, site_label=site, by=owner)
            if accept:
                acceptor = self.cro_owner if grantee.id == self.cro.id else self.site_owner
                grants.accept(session, grant, session.get(User, acceptor.id))
            session.commit()
            return grant.id

    def end(self, grant_id: int) -> None:
        session = self.session
        with self.app.test_request_context(), org_scope(self.sponsor.id):
            grant = session.get(ShareGrant, grant_id)
            grants.end(session, grant, session.get(User, self.sponsor_owner.id), by_grantee=False)
            session.commit()

    def visible(self, org: OrgRef, model) -> list[int]:
        with self.app.app_context(), org_scope(org.id):
            session = self.session
            ids = sorted(session.scalars(select(model.id)))
            session.rollback()
            return ids


def build_world(app, support, fast_user) -> StudyWorld:
    sponsor_owner, cro_owner = fast_user("owner@sponsor.example"), fast_user("owner@cro.example")
    site_owner, site_member = fast_user("owner@site.example"), fast_user("coordinator@site.example")
    sponsor = support.create_org("sponsor", owner=sponsor_owner)
    cro = support.create_org("cro", type="cro", owner=cro_owner)
    site_org = support.create_org("site-org", type="site", owner=site_owner)
    support.add_member(site_org, site_member)
    support.grant_license(sponsor, "studytool", enable=True)
    session = get_db(app).session
    with app.app_context(), org_scope(sponsor.id):
        study, other = Study(title="ABC-301"), Study(title="XYZ-900")
        sites = {name: StudySite(study=study, name=name) for name in ("Site 1", "Site 2", "Site 3")}
        subjects = {code: Subject(study=study, site=sites[site], code=code)
                    for code, site in (("S1-001", "Site 1"), ("S3-001", "Site 3"), ("S3-002", "Site 3"))}
        session.add_all([study, other, *sites.values(), *subjects.values(),
                         StudyNote(study=study, body="Protocol v2 approved"), StudyNote(study=other, body="secret")])
        session.commit()
        world = StudyWorld(app, support, sponsor, cro, site_org, sponsor_owner, cro_owner, site_owner,
                           site_member, study.id, other.id, {n: s.id for n, s in sites.items()},
                           {c: s.id for c, s in subjects.items()})
    session.remove()
    return world
