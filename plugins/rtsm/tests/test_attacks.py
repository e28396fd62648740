"""Attacks on rtsm's blinding and tenant walls, route by route.

The world: a study whose arms have names found nowhere else (ZULU, YANK), kits of both arms at
sites S01 and S02 and at the depot, one subject randomized at each site, one unblinding made by
the sponsor's unblinded investigator. The attackers:

- blinded people (the sponsor's owner, who holds no rtsm role; a CRO sharing the study as
  "blinded"; a site organization's site staff) read every page, API answer, CSV, the audit trail
  and its exports, record histories, notifications and a resupply job's page, looking for an arm;
- a site organization limited to S01 guesses S02's ids (and the depot's) on every route;
- an organization without any grant guesses every id: 404, never 403 or 500.

Malformed input on every POST route is in ``test_attacks_supply.py``."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from plugins.rtsm.models import Allocation, Kit, LedgerEntry, Shipment, Unblinding
from plugins.rtsm.services import studies
from sdk.testing import post_with_token

from .supply_world import FAR, activate, add_kits, as_owner, as_user, shipment_by_number

ARMS = [{"code": "ZULU", "name": "Zuluzumab 5 mg", "ratio": 1}, {"code": "YANK", "name": "Yankovir sham", "ratio": 1}]
TELLTALES = ("ZULU", "YANK", "Zuluzumab", "Yankovir")
ATTACK = {"name": "Attack 404", "protocol": "AT-404", "arms": ARMS, "sites": ["S01", "S02"],
          "scheme": {"type": "stratified_block", "block_sizes": [2, 4], "strata": ["site"]}}
REASON = "Anaphylaxis: the emergency physician must know the treatment"


def clean(body: str, where: str) -> None:
    found = [word for word in TELLTALES if word in body]
    assert not found, f"{where} shows an arm: {found}"


@dataclass
class World:
    sponsor: object
    study_id: int
    site_ids: dict
    allocations: dict      # subject -> allocation id
    kits: dict             # "S01" / "S02" / "depot" -> a kit id there
    shipments: dict        # site code -> its initial shipment's id
    entries: dict          # site code -> a ledger entry id at the site
    unblinding_id: int
    investigator: object


def _kit_rows(start: int, count: int) -> list[dict]:
    return [{"kit": f"K{start + i:04d}", "arm": "ZULU" if i % 2 else "YANK", "lot": "L1", "expiry": FAR}
            for i in range(count)]


def _randomize(subject: str, code: str):
    def go(study):
        from plugins.rtsm.services import randomization

        site = next(s for s in study.sites if s.code == code)
        return randomization.randomize(study, subject=subject, site=site, factors={})[0].id
    return go


def _stock(sponsor, code: str, start: int) -> int:
    from plugins.rtsm.services import shipments

    add_kits(sponsor, _kit_rows(start, 6))
    number = activate(sponsor, code, initial_kits=6, min_stock=0, max_stock=6)
    as_owner(sponsor, lambda study: shipments.receive(shipments.ship(shipment_by_number(tool_session(), number))))
    return sponsor.run(lambda session: shipment_by_number(session, number).id)


def tool_session():
    from sdk import tool

    return tool().db_session()


def _unblind(sponsor, user, allocation_id: int) -> int:
    from plugins.rtsm.services import unblinding
    from sdk.testing.support import TEST_PASSWORD

    def go(session):
        made = unblinding.request(session.get(Allocation, allocation_id), REASON)
        session.flush()
        unblinding.sign(made, password=TEST_PASSWORD, email=user.email)
        unblinding.reveal(made)
        return made.id
    return as_user(sponsor, user, go)


@pytest.fixture
def world(sponsor) -> World:
    study_id = sponsor.run(lambda session: studies.create_study(ATTACK).id)
    mine = replace(sponsor, study_id=study_id)
    shipment_ids = {"S01": _stock(mine, "S01", 1), "S02": _stock(mine, "S02", 101)}
    add_kits(mine, _kit_rows(201, 4))                                          # stays at the depot
    allocations = {subject: as_owner(mine, _randomize(subject, code))
                   for subject, code in (("S01-001", "S01"), ("S02-001", "S02"))}
    investigator = sponsor.member("ivy@acme-pharma.example.org", "Ivy Investigator", "investigator", "unblinded")
    unblinding_id = _unblind(mine, investigator, allocations["S02-001"])

    def read(session):
        sites = {s.code: s.id for s in session.get(studies.Study, study_id).sites}
        kits = {code: session.scalar(select(Kit.id).where(Kit.site_id == sites[code])) for code in sites}
        kits["depot"] = session.scalar(select(Kit.id).where(Kit.study_id == study_id, Kit.depot_id.is_not(None)))
        entries = {code: session.scalar(select(LedgerEntry.id).where(LedgerEntry.site_id == sites[code]))
                   for code in sites}
        entries["depot"] = session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.study_id == study_id, LedgerEntry.site_id.is_(None)))
        return sites, kits, entries
    sites, kits, entries = sponsor.run(read)
    return World(mine, study_id, sites, allocations, kits, shipment_ids, entries, unblinding_id, investigator)


def page_paths(slug: str, w: World, site: str = "S02", subject: str = "S02-001") -> list[str]:
    """Every rtsm page (GET) naming one of ``site``'s records."""
    base = f"/o/{slug}/rtsm/studies/{w.study_id}"
    return [f"{base}/subjects/{w.allocations[subject]}", f"{base}/subjects/{w.allocations[subject]}/unblind",
            f"{base}/supply/kits/{w.kits[site]}", f"{base}/supply/shipments/{w.shipments[site]}",
            f"{base}/unblindings/{w.unblinding_id}", f"/o/{slug}/rtsm/unblindings/{w.unblinding_id}"]


def page_posts(slug: str, w: World, site: str = "S02", subject: str = "S02-001") -> list[str]:
    """Every rtsm page POST naming one of ``site``'s records."""
    base = f"/o/{slug}/rtsm/studies/{w.study_id}"
    return [f"{base}/subjects/{w.allocations[subject]}/dispense", f"{base}/subjects/{w.allocations[subject]}/unblind",
            f"{base}/supply/kits/{w.kits[site]}/quarantine", f"{base}/supply/kits/{w.kits[site]}/destroy",
            f"{base}/supply/ledger/{w.entries[site]}/reverse", f"{base}/supply/shipments/{w.shipments[site]}/receive",
            f"{base}/supply/shipments/{w.shipments[site]}/cancel", f"{base}/supply/sites/{w.site_ids[site]}",
            f"{base}/supply/sites/{w.site_ids[site]}/activate"]


def api_calls(slug: str, w: World, site: str = "S02", subject: str = "S02-001") -> list[tuple[str, str, dict | None]]:
    """Every API call naming one of ``site``'s records: (method, path, body)."""
    base = f"/api/v1/o/{slug}/rtsm"
    return [("GET", f"{base}/shipments/{w.shipments[site]}", None),
            ("POST", f"{base}/shipments/{w.shipments[site]}/receive", {}),
            ("POST", f"{base}/shipments/{w.shipments[site]}/ship", {}),
            ("POST", f"{base}/shipments/{w.shipments[site]}/cancel", {}),
            ("POST", f"{base}/allocations/{w.allocations[subject]}/dispense", {})]


def _call(client, method, path, body, headers):
    return client.get(path, headers=headers) if method == "GET" else client.post(path, json=body, headers=headers)


def test_an_organization_without_a_grant_gets_404_on_every_route_and_id(world, make_user, make_org, grant_license):
    sponsor = world.sponsor
    stranger = make_user("eve@rival.example.org")
    rival = make_org("rival", owner=stranger)
    grant_license(rival, "rtsm", enable=True)
    client, headers = sponsor.login_as(stranger), sponsor.headers(stranger, rival)
    base = f"/o/rival/rtsm/studies/{world.study_id}"
    gets = [base, f"{base}/subjects", f"{base}/randomize", f"{base}/scheme", f"{base}/team", f"{base}/supply",
            f"{base}/supply/kits", f"{base}/supply/kits.csv", f"{base}/supply/shipments", f"{base}/supply/settings",
            f"{base}/unblindings"]
    for site in ("S01", "S02"):
        gets += page_paths("rival", world, site, f"{site}-001")
    for path in gets:
        assert client.get(path).status_code == 404, path
    posts = [f"{base}/randomize", f"{base}/supply/resupply", f"{base}/supply/kits", f"{base}/supply/shipments",
             f"{base}/supply/depots", f"{base}/supply/windows", f"{base}/sites", f"{base}/settings",
             f"{base}/scheme/versions", f"{base}/shares", f"{base}/team"]
    for site in ("S01", "S02"):
        posts += page_posts("rival", world, site, f"{site}-001")
    for path in posts:
        answer = post_with_token(client, path, {"reason": REASON}, token_from="/o/rival/rtsm/")
        assert answer.status_code == 404, (path, answer.status_code)
    api = f"/api/v1/o/rival/rtsm/studies/{world.study_id}"
    calls = [("GET", api, None), ("GET", f"{api}/kits", None), ("GET", f"{api}/shipments", None),
             ("GET", f"{api}/stock", None), ("GET", f"{api}/allocations", None),
             ("POST", f"{api}/kits", {"kits": _kit_rows(900, 1)}), ("POST", f"{api}/shipments", {"site": "S01",
                                                                                               "quantity": 1}),
             ("POST", f"{api}/resupply", {}), ("POST", f"{api}/randomize", {"subject": "X-1", "site": "S01"})]
    for site in ("S01", "S02"):
        calls += api_calls("rival", world, site, f"{site}-001")
    for method, path, body in calls:
        answer = _call(sponsor.app.test_client(), method, path, body, headers)
        assert answer.status_code == 404, (method, path, answer.status_code)


@pytest.fixture
def charite(world):
    """A site organization with site staff rights at S01 only."""
    org, owner = world.sponsor.share_site("charite", "S01", ["site_staff"], name="Charité",
                                          study_id=world.study_id)
    return org, owner


def test_a_site_organization_reaches_none_of_another_sites_or_the_depots_records(world, charite):
    org, owner = charite
    sponsor, client = world.sponsor, world.sponsor.login_as(owner)
    for path in page_paths("charite", world):
        assert client.get(path).status_code == 404, path
    base = f"/o/charite/rtsm/studies/{world.study_id}"
    assert client.get(f"{base}/supply/kits/{world.kits['depot']}").status_code == 404
    assert client.get(f"{base}/supply/kits/{world.kits['S01']}").status_code == 200
    for path in (f"{base}/supply", f"{base}/supply/kits", f"{base}/supply/kits.csv", f"{base}/supply/shipments",
                 f"{base}/subjects", f"{base}/unblindings", f"{base}/supply/settings"):
        shown = client.get(path).get_data(as_text=True)
        assert not [word for word in ("K0101", "K0201", "SH-0002", "S02-001") if word in shown], path
    elsewhere = post_with_token(client, f"{base}/randomize", {"subject": "S02-778", "site": "S02", "eligible": "y"},
                                token_from=f"{base}/randomize")
    assert elsewhere.status_code == 422
    depot_entry = post_with_token(client, f"{base}/supply/ledger/{world.entries['depot']}/reverse",
                                  {"reason": REASON}, token_from=f"{base}/supply")
    assert depot_entry.status_code == 404
    for path in page_posts("charite", world):
        answer = post_with_token(client, path, {"reason": REASON}, token_from=f"{base}/supply")
        assert answer.status_code == 404, (path, answer.status_code)
    headers = sponsor.headers(owner, org)
    for method, path, body in api_calls("charite", world):
        answer = _call(sponsor.app.test_client(), method, path, body, headers)
        assert answer.status_code == 404, (method, path, answer.status_code)
    api = f"/api/v1/o/charite/rtsm/studies/{world.study_id}"
    kits = sponsor.app.test_client().get(f"{api}/kits?site=S02", headers=headers).get_json()
    assert kits == {"kits": [], "total": 0}
    listed = sponsor.app.test_client().get(f"{api}/kits", headers=headers).get_json()["kits"]
    assert {kit["site"] for kit in listed} == {"S01"}
    randomized = sponsor.app.test_client().post(f"{api}/randomize", headers=headers,
                                                json={"subject": "S02-777", "site": "S02"})
    assert randomized.status_code == 422 and list(randomized.get_json()["fields"]) == ["site"]
    unblind = sponsor.app.test_client().post(f"{api}/unblindings", headers=headers,
                                             json={"subject": "S02-001", "reason": REASON, "password": "x"})
    assert unblind.status_code == 422 and list(unblind.get_json()["fields"]) == ["subject"]   # as if unknown
    untouched = sponsor.run(lambda session: (
        sorted(session.scalars(select(Kit.status).where(Kit.site_id == world.site_ids["S02"]))),
        session.scalar(select(Shipment.status).where(Shipment.id == world.shipments["S02"])),
        session.scalar(select(Allocation.subject).where(Allocation.subject.in_(("S02-777", "S02-778"))))))
    assert untouched[1] == "received" and untouched[2] is None
    assert untouched[0].count("dispensed") == 1, untouched[0]


def test_an_investigator_of_s01_cannot_unblind_an_s02_subject_nor_read_anothers_result(world):
    from sdk.testing.support import TEST_PASSWORD

    sponsor = world.sponsor
    org, owner = sponsor.share_site("charite", "S01", ["investigator"], name="Charité", study_id=world.study_id,
                                    owner_holds=("investigator",))
    client, headers = sponsor.login_as(owner), sponsor.headers(owner, org)
    api = f"/api/v1/o/charite/rtsm/studies/{world.study_id}"
    theirs = sponsor.app.test_client().post(f"{api}/unblindings", headers=headers, json={
        "subject": "S02-001", "reason": REASON, "password": TEST_PASSWORD})
    assert theirs.status_code == 422 and list(theirs.get_json()["fields"]) == ["subject"]
    clean(theirs.get_data(as_text=True), "a refused unblinding")
    base = f"/o/charite/rtsm/studies/{world.study_id}"
    assert client.get(f"{base}/subjects/{world.allocations['S02-001']}/unblind").status_code == 404
    assert client.get(f"{base}/unblindings/{world.unblinding_id}").status_code == 404
    # the sponsor's blinded owner sees the unblinding (who, when, why), never the arm revealed to Ivy
    page = sponsor.client.get(f"/o/acme-pharma/rtsm/studies/{world.study_id}/unblindings/{world.unblinding_id}")
    assert page.status_code == 200
    clean(page.get_data(as_text=True), "another person's unblinding")
    count = sponsor.run(lambda session: len(session.scalars(select(Unblinding)).all()))
    assert count == 1, "no unblinding was written by the refused attempts"


@pytest.mark.parametrize("granted, wanted", [(["site_staff"], "unblinded"), (["site_staff"], "investigator"),
                                             (["blinded"], "unblinded"), (["blinded"], "supply_manager")])
def test_a_grantee_cannot_give_itself_a_role_the_share_does_not_hold(world, granted, wanted):
    import re

    from sdk.testing import submit_form

    sponsor = world.sponsor
    site = "S01" if "site_staff" in granted else None
    org, owner = sponsor.share_site("grantee", site, granted, study_id=world.study_id)
    client = sponsor.login_as(owner)
    sharing = client.get("/o/grantee/sharing").get_data(as_text=True)
    grant_id = re.search(r"/o/grantee/sharing/(\d+)/team", sharing).group(1)
    team = f"/o/grantee/sharing/{grant_id}/team"
    member = re.search(r'value="(\d+):', client.get(team).get_data(as_text=True)).group(1)
    answer = submit_form(client, team, {"assign": [f"{member}:{wanted}"]})
    assert answer.status_code in (400, 403, 422), (wanted, answer.status_code)
    api = f"/api/v1/o/grantee/rtsm/studies/{world.study_id}"
    headers = sponsor.headers(owner, org)
    assert sponsor.app.test_client().get(f"{api}/allocations", headers=headers).status_code == 403
    kits = sponsor.app.test_client().get(f"{api}/kits", headers=headers).get_json()["kits"]
    assert kits and all("arm" not in kit for kit in kits)
