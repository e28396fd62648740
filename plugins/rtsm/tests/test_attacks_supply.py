"""Attacks, continued (the world is ``test_attacks.py``'s): blinded people read everything they
can reach looking for an arm, and malformed input on every POST route answers 422 naming the
problem, writes nothing and never answers 500."""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from plugins.rtsm.models import Allocation, Kit, LedgerEntry, Shipment
from sdk import tool
from sdk.testing import post_with_token

from . import test_attacks as attacks
from .supply_world import as_user
from .test_attacks import REASON, clean, page_paths

world, charite = attacks.world, attacks.charite      # the same world's fixtures


def _kit_order(client, path: str) -> list[str]:
    body = client.get(path).get_data(as_text=True)
    return [line.split(",")[0] for line in body.splitlines()[1:]] if path.endswith(".csv") else \
        [part.split("<")[0] for part in body.split(">K")[1:]]


def _no_arm_definitions(path: str, body: str) -> str:
    """The audit trail without the entries creating the study's arms (their codes and names are
    the study's definition, shown to everyone on its page): what ties a subject or kit to an arm."""
    if path.endswith("export.csv"):
        return "\n".join(row for row in body.splitlines() if ",arm," not in row)
    if "/audit?" in path:
        return json.dumps([e for e in json.loads(body)["entries"] if e["entity_type"] != "arm"])
    return body


def _readings(w, slug: str) -> list[str]:
    base = f"/o/{slug}/rtsm/studies/{w.study_id}"
    return [f"{base}/subjects", f"{base}/randomize", f"{base}/supply", f"{base}/supply/kits",
            f"{base}/supply/kits?sort=arm", f"{base}/supply/kits?sort=-arm&status=available",
            f"{base}/supply/kits.csv", f"{base}/supply/shipments", f"{base}/supply/settings",
            f"{base}/unblindings", "/notifications", f"/o/{slug}/jobs", f"{base}/supply?days=-5",
            f"{base}/supply?days=99999999999999999999", f"{base}/supply/kits?page=abc&status=nope",
            f"{base}/subjects?sort=arm&page=-1", f"{base}/unblindings?sort=-state"]


def test_blinded_people_find_no_arm_anywhere_they_can_read(world, charite):
    sponsor = world.sponsor
    cro, cro_owner = sponsor.share_site("cro", None, ["blinded"], name="CRO", study_id=world.study_id)
    staff = sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff")
    base = f"/o/acme-pharma/rtsm/studies/{world.study_id}"
    # a shortage (notified to the blinded owner, a supply manager) and a resupply job's page
    for _ in range(3):
        post_with_token(sponsor.client, f"{base}/subjects/{world.allocations['S01-001']}/dispense", {},
                        token_from=f"{base}/subjects/{world.allocations['S01-001']}")
    job = as_user(sponsor, sponsor.owner, lambda session: tool().jobs.start("resupply", study_id=world.study_id).id)
    people = [("acme-pharma", sponsor.owner, sponsor.org), ("acme-pharma", staff, sponsor.org),
              ("cro", cro_owner, cro), ("charite", charite[1], charite[0])]
    for slug, user, org in people:
        client = sponsor.login_as(user)
        paths = _readings(world, slug) + [p for code in ("S01", "S02") for p in page_paths(slug, world, code,
                                                                                          f"{code}-001")]
        if user is sponsor.owner:
            paths += [f"/o/{slug}/audit", f"/o/{slug}/audit/export.csv", f"/o/{slug}/jobs/{job}"]
        for path in paths:
            answer = client.get(path)
            assert answer.status_code in (200, 403, 404), (path, answer.status_code)
            clean(_no_arm_definitions(path, answer.get_data(as_text=True)), f"{path} for {user.email}")
        if user is sponsor.owner:
            assert all(client.get(path).status_code == 200 for path in paths[-3:]), "audit and job pages read"
        kits = f"/o/{slug}/rtsm/studies/{world.study_id}/supply/kits"
        assert _kit_order(client, f"{kits}?sort=arm") == _kit_order(client, kits) != [], "sorted by the arm"
        assert _kit_order(client, f"{kits}?sort=-arm") == _kit_order(client, kits)
        api, headers = f"/api/v1/o/{slug}/rtsm", sponsor.headers(user, org)
        for path in (f"{api}/studies/{world.study_id}/kits", f"{api}/studies/{world.study_id}/shipments",
                     f"{api}/studies/{world.study_id}/stock", f"{api}/shipments/{world.shipments['S01']}",
                     f"/api/v1/o/{slug}/audit?tool=rtsm"):
            answer = sponsor.app.test_client().get(path, headers=headers)
            assert answer.status_code in (200, 403), (path, answer.status_code)
            if answer.status_code == 200:
                clean(_no_arm_definitions(path, answer.get_data(as_text=True)), f"{path} for {user.email}")
        for query in ("sort=arm", "arm=ZULU", "status=available&arm=YANK"):
            refused = sponsor.app.test_client().get(f"{api}/studies/{world.study_id}/kits?{query}", headers=headers)
            assert refused.status_code == 422, query
            clean(refused.get_data(as_text=True), "a refused kit query")
    notified = sponsor.client.get("/notifications").get_data(as_text=True)
    assert "no kit could be dispensed at site S01" in notified, "the shortage was notified (without an arm)"


def _counts(sponsor):
    return sponsor.run(lambda session: tuple(session.scalar(select(func.count()).select_from(model))
                                             for model in (Allocation, Kit, Shipment, LedgerEntry)))


HUGE = "X" * 100_000


def test_malformed_api_bodies_answer_422_and_write_nothing(world):
    sponsor = world.sponsor
    client, headers = sponsor.app.test_client(), sponsor.headers()
    api = f"/api/v1/o/acme-pharma/rtsm/studies/{world.study_id}"
    shipment = f"/api/v1/o/acme-pharma/rtsm/shipments/{world.shipments['S01']}"
    before = _counts(sponsor)
    bad = [
        (f"{api}/randomize", {"subject": 17, "site": "S01"}),
        (f"{api}/randomize", {"subject": HUGE, "site": "S01"}),
        (f"{api}/randomize", {"subject": "S01-9", "site": HUGE}),
        (f"{api}/randomize", {"subject": "S01-9", "site": "S01", "factors": {"sex": ["F"]}}),
        (f"{api}/randomize", {"subject": "S01-9", "site": "S01", "factors": {"stage": "IV"}}),
        (f"{api}/randomize", {"subject": "  ", "site": "S01"}),
        (f"{api}/randomize", {"subject": "S01-9", "site": "S01", "eligible": "maybe"}),
        (f"{api}/randomize", ["not", "an", "object"]),
        (f"{api}/kits", {"kits": []}),
        (f"{api}/kits", {"kits": "K1"}),
        (f"{api}/kits", {"kits": [{"kit": HUGE, "arm": "ZULU", "lot": HUGE, "expiry": "2030-01-01"}]}),
        (f"{api}/kits", {"kits": [{"kit": "N1", "arm": "NOPE", "lot": "L", "expiry": "tomorrow"}]}),
        (f"{api}/kits", {"kits": [{"kit": "K0001", "arm": "ZULU", "lot": "L", "expiry": "2030-01-01"}]}),
        (f"{api}/kits", {"kits": [{"kit": "N2", "arm": "ZULU", "lot": "L", "expiry": "2030-01-01", "depot": "D99"}]}),
        (f"{api}/shipments", {"site": "S01", "quantity": -3}),
        (f"{api}/shipments", {"site": "S01", "quantity": 0}),
        (f"{api}/shipments", {"site": "S01", "quantity": 10 ** 12}),
        (f"{api}/shipments", {"site": "S01", "quantity": "three"}),
        (f"{api}/shipments", {"site": "S01", "kits": ["NOPE-1", "NOPE-2"]}),
        (f"{api}/shipments", {"site": "S01", "kits": [HUGE]}),
        (f"{api}/shipments", {"site": "S01"}),
        (f"{api}/shipments", {"site": "S99", "quantity": 1}),
        (f"{shipment}/receive", {"kits": {"NOPE-1": "damaged"}}),
        (f"{shipment}/receive", {"kits": {"K0001": "stolen"}}),
        (f"{shipment}/ship", {"force": True}),
        (f"{api}/resupply", {"all": True}),
        (f"/api/v1/o/acme-pharma/rtsm/allocations/{world.allocations['S01-001']}/dispense", {"kit": "K0003"}),
        (f"{api}/unblindings", {"subject": "S01-001", "reason": "x", "password": "p"}),
        (f"{api}/unblindings", {"subject": "S01-001", "reason": HUGE, "password": "p"}),
        (f"{api}/unblindings", {"subject": "NOPE", "reason": REASON, "password": "p"}),
        (f"{api}/unblindings", {"subject": 5, "reason": REASON, "password": None}),
    ]
    investigator = sponsor.headers(world.investigator)
    for path, body in bad:
        answer = client.post(path, headers=investigator if path.endswith("/unblindings") else headers, json=body)
        assert answer.status_code in (409, 422), (path, str(body)[:80], answer.status_code)
        if answer.status_code == 422:
            found = answer.get_json()
            assert found.get("message") and found.get("problems"), (path, str(body)[:80], found)
        if not path.endswith("/kits"):       # a bad kit row is told the study's arm codes: its definition
            clean(answer.get_data(as_text=True), f"the refusal of {path}")
    garbage = client.post(f"{api}/randomize", headers={**headers, "Content-Type": "application/json"},
                          data=b"{not json")
    assert garbage.status_code in (400, 422)
    for query in ("subjects=-1", "subjects=abc", "trials=999999999"):
        assert client.get(f"{api}/scheme/simulation?{query}", headers=headers).status_code in (403, 422), query
    assert _counts(sponsor) == before, "a refused request wrote something"


def test_malformed_page_posts_answer_422_and_write_nothing(world):
    sponsor = world.sponsor
    client, base = sponsor.client, f"/o/acme-pharma/rtsm/studies/{world.study_id}"
    before = _counts(sponsor)
    posts = [
        (f"{base}/supply/shipments", {"site": "S01", "quantity": "-3"}),
        (f"{base}/supply/shipments", {"site": "S01", "quantity": "99999999999999999999"}),
        (f"{base}/supply/shipments", {"site": "S01", "kits": "NOPE-1, NOPE-2"}),
        (f"{base}/supply/shipments", {"site": "S99", "quantity": "1"}),
        (f"{base}/supply/kits/{world.kits['S01']}/quarantine", {"reason": HUGE}),
        (f"{base}/supply/kits/{world.kits['S01']}/destroy", {"reason": ""}),
        (f"{base}/supply/ledger/{world.entries['S01']}/reverse", {"reason": "", "condition": "stolen"}),
        (f"{base}/supply/sites/{world.site_ids['S01']}", {"min_stock": "-1", "max_stock": "abc",
                                                         "initial_kits": HUGE}),
        (f"{base}/supply/windows", {"do_not_ship_days": "-5", "do_not_dispense_days": "1e9"}),
        (f"{base}/supply/depots", {"code": HUGE, "name": ""}),
        (f"{base}/randomize", {"subject": HUGE, "site": "S01"}),
        (f"{base}/scheme/versions", {"scheme_type": "lottery", "block_sizes": "a, -2", "p": "often"}),
        (f"{base}/sites", {"code": HUGE, "site_name": HUGE}),
        (f"{base}/settings", {"name": "", "do_not_ship_days": "-1", "do_not_dispense_days": "x"}),
    ]
    for path, data in posts:
        answer = post_with_token(client, path, data, token_from=f"{base}/supply")
        assert answer.status_code in (409, 422), (path, answer.status_code)
        if not path.endswith(("/sites", "/settings")):       # these answer the study's page: its arms' definition
            clean(answer.get_data(as_text=True), f"the refusal of {path}")
    for content in (b"\xff\xfe\x81" * 50, b"kit,arm,lot,expiry\nK0001,ZULU,L1,2030-01-01\nN1,NOPE,,soon\n",
                    b"kit,arm,lot,expiry\n" + b"N,ZULU,L,2030-01-01," * 5000):
        upload = post_with_token(client, f"{base}/supply/kits", {"file": (io.BytesIO(content), "kits.csv")},
                                 token_from=f"{base}/supply/kits", content_type="multipart/form-data")
        assert upload.status_code == 422, (content[:40], upload.status_code)
    assert _counts(sponsor) == before, "a refused form wrote something"


def test_the_kit_queries_name_their_problems(world):
    sponsor = world.sponsor
    api = f"/api/v1/o/acme-pharma/rtsm/studies/{world.study_id}/kits"
    for query in ("status=lost", "page=0", "page=abc", "page=-4"):
        answer = sponsor.app.test_client().get(f"{api}?{query}", headers=sponsor.headers())
        assert answer.status_code == 422 and answer.get_json()["fields"], (query, json.dumps(answer.get_json()))


def test_receiving_names_only_the_shipments_own_kits(world):
    from plugins.rtsm.services import shipments

    from .supply_world import as_owner

    sponsor = world.sponsor

    def send(study):
        site = next(s for s in study.sites if s.code == "S01")
        return shipments.ship(shipments.request_shipment(site, quantity=2)).id
    shipment_id = as_owner(sponsor, send)
    path = f"/api/v1/o/acme-pharma/rtsm/shipments/{shipment_id}/receive"
    before = _counts(sponsor), _statuses(sponsor)
    for conditions in ({"NOPE-1": "damaged"}, {"K0101": "missing"}, {"K0001": "damaged"}, {HUGE: "missing"}):
        answer = sponsor.app.test_client().post(path, headers=sponsor.headers(), json={"kits": conditions})
        assert answer.status_code == 422 and answer.get_json()["problems"], (str(conditions)[:40], answer.status_code)
    assert (_counts(sponsor), _statuses(sponsor)) == before, "a kit outside the shipment was touched"


def _statuses(sponsor) -> dict:
    return sponsor.run(lambda session: dict(session.execute(select(Kit.number, Kit.status)).all()))


def test_malformed_studies_are_refused_with_every_problem_named(world):
    from plugins.rtsm.models import Study

    sponsor = world.sponsor
    api = "/api/v1/o/acme-pharma/rtsm/studies"
    before = sponsor.run(lambda session: session.scalar(select(func.count()).select_from(Study)))
    bodies = [
        {"name": HUGE, "arms": [{"code": "A", "name": "x", "ratio": 1}], "sites": ["S01"], "scheme": {"type": "simple"}},
        {"name": "N", "arms": "A", "sites": "S01", "scheme": {"type": "simple"}},
        {"name": "N", "arms": [{"code": "A", "name": "x", "ratio": "2"}], "sites": [5], "scheme": {"type": "simple"}},
        {"name": "N", "arms": [{"code": "A", "name": "x", "ratio": -1}, {"code": "A", "name": "y", "ratio": 10 ** 9}],
         "sites": [{"code": HUGE}], "scheme": {"type": "block", "block_sizes": [-2, 0, 7]}},
        {"name": "N", "arms": [{"code": "A", "name": "x", "ratio": 1}, {"code": "B", "name": "y", "ratio": 1}],
         "sites": ["S01"], "scheme": {"type": "minimization", "factors": {"sex": []}, "p": 7, "weights": {"age": -1}}},
        {"name": "N", "arms": [], "sites": [], "scheme": {"type": "lottery"}},
    ]
    for body in bodies:
        answer = sponsor.app.test_client().post(api, headers=sponsor.headers(), json=body)
        assert answer.status_code == 422, (str(body)[:80], answer.status_code)
        assert answer.get_json()["problems"], str(body)[:80]
    several = sponsor.app.test_client().post(api, headers=sponsor.headers(), json=bodies[3]).get_json()
    assert len(several["problems"]) >= 3, several
    assert sponsor.run(lambda session: session.scalar(select(func.count()).select_from(Study))) == before


def test_no_event_of_the_tool_carries_an_arm(world):
    from sqlalchemy import text

    rows = world.sponsor.run(lambda session: session.execute(text(
        "SELECT name, payload FROM outbox_event WHERE name LIKE 'rtsm.%'")).all())
    assert {"rtsm.subject_randomized", "rtsm.kit_dispensed"} <= {name for name, _ in rows}
    for name, payload in rows:
        found = json.loads(payload) if isinstance(payload, str) else payload
        assert "arm" not in found, name
        clean(json.dumps(found), f"the payload of {name}")
