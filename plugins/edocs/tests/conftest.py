"""Fixtures for edocs' tests (edocs is an installed entry point, so every test app loads it): a
sponsor with binder HF-301 (two sites, 101 in Germany and 102 in the United States).

``sponsor.run`` runs service code as edocs in the sponsor's scope (as no person);
``sponsor.as_user`` in a request of a given person, so ``tool().can`` and the QC independence
rule answer for them; ``sponsor.member`` makes a member holding edocs roles;
``sponsor.share_site`` shares the binder with a new CRO or site organization that accepts it;
``sponsor.file`` files a document (text by default) as a person and returns its version's id."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest

from sdk import org_scope, tool
from sdk.testing import accept_share, give_tool_roles, membership_id
from sdk.testing.support import TEST_PASSWORD
from sdk.tool import host_runs_tool

STUDY = {"name": "Heart failure 301", "protocol": "HF-301",
         "sites": [{"code": "101", "name": "Lakeside Clinic", "country": "DE"},
                   {"code": "102", "name": "Meridian Hospital", "country": "US"}]}
PASSWORD = TEST_PASSWORD


@dataclass
class Sponsor:
    app: object
    org: object
    owner: object
    client: object
    login_as: object
    support: object = None
    study_id: int = 0
    site_ids: dict = field(default_factory=dict)

    def run(self, fn, *args, org=None, **kwargs):
        """Call ``fn(session, *args)`` as edocs' code in the sponsor's (or ``org``'s) scope and
        commit."""
        with self.app.test_request_context(), org_scope((org or self.org).id), host_runs_tool("edocs"):
            result = fn(tool().db_session(), *args, **kwargs)
            tool().db_session().commit()
            return result

    def as_user(self, user, fn, *args, org=None, **kwargs):
        """Call ``fn(session, *args)`` as edocs' code in an API request of ``user`` in the
        sponsor's (or ``org``'s) organization; commits."""
        org = org or self.org
        token = self.support.issue_token(org, user)
        path = f"/api/v1/o/{org.slug}/edocs/studies"
        with self.app.test_request_context(path, headers={"Authorization": f"Bearer {token}"}):
            self.app.preprocess_request()
            with host_runs_tool("edocs"):
                result = fn(tool().db_session(), *args, **kwargs)
                tool().db_session().commit()
                return result

    def headers(self, user=None, org=None) -> dict:
        """API headers with a token of ``user`` (the owner) in ``org`` (the sponsor)."""
        return {"Authorization": f"Bearer {self.support.issue_token(org or self.org, user or self.owner)}"}

    def file(self, artifact: str = "02.01.01", data: bytes = b"Protocol text\n", filename: str = "protocol.txt",
             *, user=None, org=None, document_id: int | None = None, **metadata) -> int:
        """File ``data`` as a new document (or, with ``document_id``, its next version) as
        ``user`` (the owner); the new version's id."""
        from plugins.edocs.models import Document, Study
        from plugins.edocs.services import documents

        def file(session):
            upload = _Upload(data, filename)
            if document_id is not None:
                return documents.add_version(session.get(Document, document_id), metadata, upload).id
            study = session.get(Study, self.study_id)
            return documents.file_document(study, {"artifact": artifact, **metadata}, upload).id
        return self.as_user(user or self.owner, file, org=org)

    def member(self, email: str, name: str, *roles: str):
        """A new member of the sponsor holding these edocs roles."""
        user = self.support.create_user(email, name=name)
        self.support.add_member(self.org, user)
        if roles:
            self.give_roles(self.membership_id(user), *roles, org_slug=self.org.slug)
        return user

    def membership_id(self, user, org=None) -> int:
        """The id of ``user``'s membership of ``org`` (the sponsor), read from the Members page."""
        return membership_id(self.client, (org or self.org).slug, user.email)

    def give_roles(self, membership: int, *roles: str, org_slug: str = "acme-pharma", client=None):
        """Give a member of ``org_slug`` organization-wide edocs roles on the Members page."""
        give_tool_roles(client or self.client, org_slug, membership, "edocs", roles)

    def share_site(self, slug: str, site_code: str | None, roles: list[str], *, name: str = ""):
        """A new organization (type site, or cro for a whole-binder share) with an owner
       , invited to HF-301 (one site, or the whole binder) under
        ``roles`` and accepting; (org, owner)."""
        from plugins.edocs.models import Study
        from plugins.edocs.services import studies

        owner = self.support.create_user(f"owner@{slug}.example.org", name=f"Owner of {slug}")
        org = self.support.create_org(slug, owner=owner, name=name or slug.title(),
                                      type="site" if site_code else "cro")

        def share(session):
            study = session.get(Study, self.study_id)
            site = next(s for s in study.sites if s.code == site_code) if site_code else None
            return studies.share_study(study, with_org=slug, roles=roles, site=site).id
        grant_id = self.run(share)
        client = self.login_as(owner)
        accept_share(client, slug, grant_id)
        return org, owner


class _Upload(io.BytesIO):
    """An upload as the storage service receives one: bytes with a file name."""

    def __init__(self, data: bytes, filename: str):
        super().__init__(data)
        self.filename = filename


def _build(session, data=STUDY):
    from plugins.edocs.services import studies

    study = studies.create_study(data)
    return study.id, {site.code: site.id for site in study.sites}


@pytest.fixture
def sponsor(app, make_user, make_org, grant_license, login_as, support) -> Sponsor:
    """acme-pharma's owner (a TMF manager by office) with edocs, and binder HF-301."""
    owner = make_user("olivia@acme-pharma.example.org", name="Olivia Owner")
    org = make_org("acme-pharma", owner=owner, name="Acme Pharma")
    grant_license(org, "edocs", enable=True)
    made = Sponsor(app, org, owner, login_as(owner), login_as, support)
    made.study_id, made.site_ids = made.run(_build)
    return made
