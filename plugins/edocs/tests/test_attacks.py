"""Attacks on edocs' tenant walls, route by route, and malformed input on its writes.

The world: acme's binder HF-301 with a trial-level protocol and one CV at each of sites 101 and
102, a study-start milestone with its expected documents. The attackers:

- an organization with its own eTMF license and no grant guesses every id, on every page and API
  route, reading and writing: 404, never 403, 500 or a body naming acme's documents;
- a site organization limited to site 101 guesses site 102's and the trial level's ids;
- the sponsor's own API is sent malformed bodies: 422 or 409, never 500, nothing written.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from plugins.edocs.models import Document, Expectation, Milestone, Study, Version
from plugins.edocs.services import milestones
from sdk.testing import post_with_token

TELLTALE = "Telltale protocol"


@dataclass
class World:
    study: int
    trial_document: int
    trial_version: int
    site_documents: dict   # site code -> document id
    site_versions: dict    # site code -> version id
    milestone: int
    expectation: int


@pytest.fixture
def world(sponsor) -> World:
    trial_version = sponsor.file("02.01.02", b"Protocol\n", filename="protocol.txt", title=TELLTALE)
    site_versions = {code: sponsor.file("05.02.04", b"CV " + code.encode() + b"\n", filename=f"cv{code}.txt",
                                        level="site", site=code, title=f"CV at {code}") for code in ("101", "102")}

    def plan(session):
        milestone = milestones.add_milestone(session.get(Study, sponsor.study_id), "study_start",
                                             date.today() - timedelta(days=3))
        session.flush()
        return milestone.id, session.scalar(select(Expectation.id).where(Expectation.milestone_id == milestone.id))
    milestone, expectation = sponsor.as_user(sponsor.owner, plan)
    document_of = {v: sponsor.run(lambda s, v=v: s.get(Version, v).document_id)
                   for v in (trial_version, *site_versions.values())}
    return World(sponsor.study_id, document_of[trial_version], trial_version,
                 {code: document_of[v] for code, v in site_versions.items()}, site_versions, milestone, expectation)


def page_reads(w: World, document: int, version: int) -> list[str]:
    s = w.study
    return [f"/studies/{s}", f"/studies/{s}/upload", f"/studies/{s}/qc", f"/studies/{s}/completeness",
            f"/studies/{s}/milestones", f"/studies/{s}/retention", f"/studies/{s}/exchange",
            f"/studies/{s}/exchange.zip", f"/studies/{s}/sharing", f"/studies/{s}/close", f"/search?study_id={s}&q=protocol",
            f"/documents/{document}", f"/documents/{document}/details", f"/versions/{version}/file",
            f"/versions/{version}/file?inline=1"]


def page_writes(w: World, document: int, version: int) -> list[str]:
    s = w.study
    return [f"/studies/{s}/upload", f"/studies/{s}/upload/file", f"/studies/{s}/close", f"/studies/{s}/retention",
            f"/studies/{s}/sites", f"/studies/{s}/shares", f"/studies/{s}/team", f"/studies/{s}/milestones",
            f"/studies/{s}/exchange", f"/studies/{s}/completeness/remind", f"/milestones/{w.milestone}/move",
            f"/milestones/{w.milestone}/expectations", f"/expectations/{w.expectation}/remove",
            f"/documents/{document}/details", f"/documents/{document}/versions", f"/documents/{document}/hold",
            f"/documents/{document}/delete", f"/versions/{version}/transitions/qc",
            f"/versions/{version}/transitions/approved"]


def api_calls(w: World, document: int, version: int) -> list[tuple[str, str, dict | None]]:
    s = w.study
    return [("get", f"/studies/{s}", None), ("get", f"/studies/{s}/documents", None),
            ("get", f"/studies/{s}/completeness", None), ("get", f"/studies/{s}/milestones", None),
            ("get", f"/studies/{s}/exchange", None), ("get", f"/search?q=protocol&study={s}", None),
            ("get", f"/documents/{document}", None), ("get", f"/versions/{version}/file", None),
            ("post", f"/studies/{s}/close", {}), ("post", f"/studies/{s}/milestones", {"kind": "study_close", "due_on": "2030-01-01"}),
            ("patch", f"/milestones/{w.milestone}", {"due_on": "2030-01-01", "reason": "x"}),
            ("patch", f"/documents/{document}", {"title": "Mine now"}),
            ("post", f"/documents/{document}/transitions", {"to": "qc"}),
            ("post", f"/documents/{document}/hold", {"on": True, "reason": "x"}),
            ("delete", f"/documents/{document}", {"reason": "x"})]


def _assert_hidden(answer, where: str) -> None:
    assert answer.status_code == 404, f"{where}: {answer.status_code}"
    assert TELLTALE not in answer.get_data(as_text=True), where


def test_an_organization_without_a_grant_finds_nothing_anywhere(world, sponsor, make_user, make_org, grant_license,
                                                                login_as):
    rival = make_user("rita@rival.example.org", name="Rita Rival")
    org = make_org("rival", owner=rival, name="Rival Pharma")
    grant_license(org, "edocs", enable=True)
    client = login_as(rival)
    base = "/o/rival/edocs"
    for path in page_reads(world, world.trial_document, world.trial_version):
        if path.startswith("/search"):
            continue  # the search page itself answers; its study filter is checked below
        _assert_hidden(client.get(base + path), path)
    for path in page_writes(world, world.trial_document, world.trial_version):
        _assert_hidden(post_with_token(client, base + path, {"reason": "x", "to": "qc"}, token_from=f"{base}/"), path)
    api = sponsor.app.test_client()
    headers = sponsor.headers(rival, org)
    for method, path, body in api_calls(world, world.trial_document, world.trial_version):
        answer = getattr(api, method)(f"/api/v1/o/rival/edocs{path}", json=body, headers=headers)
        _assert_hidden(answer, f"{method.upper()} {path}")
    found = api.get("/api/v1/o/rival/edocs/search?q=protocol", headers=headers).get_json()
    assert found == {"results": []}


def test_a_site_organization_reaches_neither_the_other_site_nor_the_trial_level(world, sponsor):
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    client = sponsor.login_as(site_owner)
    base = "/o/lakeside/edocs"
    assert client.get(f"{base}/documents/{world.site_documents['101']}").status_code == 200
    for document, version in ((world.site_documents["102"], world.site_versions["102"]),
                              (world.trial_document, world.trial_version)):
        for path in (f"/documents/{document}", f"/documents/{document}/details", f"/versions/{version}/file"):
            _assert_hidden(client.get(base + path), path)
        for path in (f"/documents/{document}/versions", f"/documents/{document}/details",
                     f"/versions/{version}/transitions/qc", f"/documents/{document}/hold"):
            _assert_hidden(post_with_token(client, base + path, {"reason": "x"}, token_from=f"{base}/"), path)
        api = sponsor.app.test_client()
        headers = sponsor.headers(site_owner, site_org)
        for method, path, body in (("get", f"/documents/{document}", None), ("get", f"/versions/{version}/file", None),
                                   ("patch", f"/documents/{document}", {"title": "x"}),
                                   ("post", f"/documents/{document}/transitions", {"to": "qc"})):
            answer = getattr(api, method)(f"/api/v1/o/lakeside/edocs{path}", json=body, headers=headers)
            _assert_hidden(answer, f"{method.upper()} {path}")
    filed_elsewhere = sponsor.app.test_client().post(
        f"/api/v1/o/lakeside/edocs/studies/{world.study}/documents", headers=sponsor.headers(site_owner, site_org),
        data={"artifact": "05.02.04", "level": "site", "site": "102", "file": (io.BytesIO(b"CV\n"), "cv.txt")},
        content_type="multipart/form-data")
    assert filed_elsewhere.status_code == 422 and "102" in filed_elsewhere.get_json()["message"]
    at_trial_level = sponsor.app.test_client().post(
        f"/api/v1/o/lakeside/edocs/studies/{world.study}/documents", headers=sponsor.headers(site_owner, site_org),
        data={"artifact": "02.01.02", "file": (io.BytesIO(b"Protocol\n"), "p.txt")}, content_type="multipart/form-data")
    assert at_trial_level.status_code == 403


MALFORMED = [
    ("post", "/studies", {"name": ["x"]}), ("post", "/studies", {"name": "x" * 500, "sites": "101"}),
    ("post", "/studies", {"name": "Dup", "sites": [{"code": "1"}, {"code": "1"}]}),
    ("post", "/studies/{s}/close", {"ended_on": "yesterday"}),
    ("post", "/studies/{s}/milestones", {"kind": "nonsense", "due_on": "2030-13-01"}),
    ("patch", "/milestones/{m}", {"due_on": "soon"}), ("patch", "/documents/{d}", {"tags": "not-a-list"}),
    ("patch", "/documents/{d}", {"owner_id": "everyone"}), ("patch", "/documents/{d}", {"document_date": "31/12/2026"}),
    ("post", "/documents/{d}/transitions", {"to": "effective"}), ("post", "/documents/{d}/transitions", {"to": "rejected"}),
    ("post", "/documents/{d}/transitions", {"to": "qc", "version": 99}),
    ("post", "/documents/{d}/hold", {"on": "yes"}), ("delete", "/documents/{d}", {}),
    ("get", "/search?q=", None), ("get", "/search?q=a&limit=0", None), ("get", "/studies/{s}/documents?status=bogus", None),
]


def test_malformed_input_is_refused_with_a_message_and_changes_nothing(world, sponsor):
    api = sponsor.app.test_client()
    before = sponsor.run(lambda s: (s.scalar(select(func.count()).select_from(Document)),
                                    s.scalar(select(func.count()).select_from(Milestone)),
                                    [v.status for v in s.scalars(select(Version).order_by(Version.id))]))
    for method, path, body in MALFORMED:
        url = "/api/v1/o/acme-pharma/edocs" + path.format(s=world.study, d=world.trial_document, m=world.milestone)
        answer = getattr(api, method)(url, json=body, headers=sponsor.headers())
        assert answer.status_code in (400, 404, 409, 422), f"{method.upper()} {path}: {answer.status_code}"
        assert answer.get_json().get("message"), f"{method.upper()} {path} answers without a message"
    after = sponsor.run(lambda s: (s.scalar(select(func.count()).select_from(Document)),
                                   s.scalar(select(func.count()).select_from(Milestone)),
                                   [v.status for v in s.scalars(select(Version).order_by(Version.id))]))
    assert after == before
