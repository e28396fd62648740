"""Fixtures for rtsm's tests (rtsm, like edc, is an installed entry point, so every test app
loads it): a sponsor with a study of two arms (2:1), two sites and a depot, randomized in
stratified blocks by site and sex.

Owners and admins are never unblinded by their office: ``sponsor.give_roles`` gives a member
rtsm roles through the Members page, as an administrator would (``sponsor.member`` makes one).
``sponsor.as_user`` runs service code in a request of a given person (so ``tool().can`` answers
for them), ``sponsor.headers`` makes API headers with a token, and ``sponsor.share_site`` shares
the study with a new CRO or site organization that accepts it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from sdk import org_scope, tool
from sdk.testing import accept_share, give_tool_roles, membership_id, submit_form
from sdk.tool import host_runs_tool

STUDY = {
    "name": "Heart failure 301", "protocol": "HF-301",
    "arms": [{"code": "A", "name": "Cardiozol 10 mg", "ratio": 2}, {"code": "P", "name": "Placebo", "ratio": 1}],
    "sites": ["S01", "S02"],
    "scheme": {"type": "stratified_block", "block_sizes": [3, 6], "strata": ["site", "sex"],
               "factors": {"sex": ["F", "M"]}},
}


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
        """Call ``fn(session, *args)`` as rtsm's code in the sponsor's (or ``org``'s) scope and
        commit. (A scope never outlives its block, so this is a call, not a context manager.)"""
        with self.app.test_request_context(), org_scope((org or self.org).id), host_runs_tool("rtsm"):
            result = fn(tool().db_session(), *args, **kwargs)
            tool().db_session().commit()
            return result

    def as_user(self, user, fn, *args, org=None, **kwargs):
        """Call ``fn(session, *args)`` as rtsm's code in an API request of ``user`` in the
        sponsor's (or ``org``'s) organization, so ``tool().can`` answers for that person; commits."""
        org = org or self.org
        token = self.support.issue_token(org, user)
        path = f"/api/v1/o/{org.slug}/rtsm/studies"
        with self.app.test_request_context(path, headers={"Authorization": f"Bearer {token}"}):
            self.app.preprocess_request()
            with host_runs_tool("rtsm"):
                result = fn(tool().db_session(), *args, **kwargs)
                tool().db_session().commit()
                return result

    def headers(self, user=None, org=None) -> dict:
        """API headers with a token of ``user`` (the owner) in ``org`` (the sponsor)."""
        return {"Authorization": f"Bearer {self.support.issue_token(org or self.org, user or self.owner)}"}

    def member(self, email: str, name: str, *roles: str):
        """A new member of the sponsor holding these rtsm roles organization-wide."""
        user = self.support.create_user(email, name=name)
        self.support.add_member(self.org, user)
        if roles:
            self.give_roles(self.membership_id(user), *roles, org_slug=self.org.slug)
        return user

    def membership_id(self, user, org=None) -> int:
        """The id of ``user``'s membership of ``org`` (the sponsor), read from the Members page."""
        return membership_id(self.client, (org or self.org).slug, user.email)

    def share_site(self, slug: str, site_code: str | None, roles: list[str], *, name: str = "",
                   study_id: int | None = None, owner_holds: tuple[str, ...] = ()):
        """A new organization (type site, or cro for a whole-study share) with an owner, invited
        to the study (HF-301, or ``study_id``: one site, or the whole study) under ``roles`` and
        accepting; (org, owner). ``owner_holds`` names grant roles given to the owner on the
        share's "Who works on it" page: roles with permissions that admins do not hold by office
        (see_arms, emergency_unblind) reach the owner only so."""
        from plugins.rtsm.models import Study
        from plugins.rtsm.services import studies

        owner = self.support.create_user(f"owner@{slug}.example.org", name=f"Owner of {slug}")
        org = self.support.create_org(slug, owner=owner, name=name or slug.title(),
                                      type="site" if site_code else "cro")

        def share(session):
            study = session.get(Study, study_id or self.study_id)
            site = next(s for s in study.sites if s.code == site_code) if site_code else None
            return studies.share_study(study, with_org=slug, roles=roles, site=site).id
        grant_id = self.run(share)
        client = self.login_as(owner)
        accept_share(client, slug, grant_id)
        if owner_holds:
            team = f"/o/{slug}/sharing/{grant_id}/team"
            found = re.search(r'value="(\d+):', client.get(team).get_data(as_text=True))
            assert found, "the owner is not on the share's team page"
            saved = submit_form(client, team, {"assign": [f"{found.group(1)}:{role}" for role in owner_holds]})
            assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
        return org, owner

    def give_roles(self, membership: int, *roles: str, org_slug: str = "acme-pharma", client=None):
        """Give a member of ``org_slug`` organization-wide rtsm roles on the Members page."""
        give_tool_roles(client or self.client, org_slug, membership, "rtsm", roles)


def _build(session, data=STUDY):
    from plugins.rtsm.services import studies

    study = studies.create_study(data)
    return study.id, {site.code: site.id for site in study.sites}


@pytest.fixture
def sponsor(app, make_user, make_org, grant_license, login_as, support) -> Sponsor:
    """acme-pharma's owner (not unblinded) with rtsm, and study HF-301 set up from ``STUDY``."""
    owner = make_user("olivia@acme-pharma.example.org", name="Olivia Owner")
    org = make_org("acme-pharma", owner=owner, name="Acme Pharma")
    grant_license(org, "rtsm", enable=True)
    made = Sponsor(app, org, owner, login_as(owner), login_as, support)
    made.study_id, made.site_ids = made.run(_build)
    return made
