"""A blinded person never learns a subject's arm: not in randomize answers, subject pages, the
allocation list (403), the audit trail of randomizations, notifications or event payloads. The
blinded here: the sponsor's owner (no unblinded role), a site_staff member, and a CRO sharing
the study under the role "blinded". A member given the "unblinded" role sees the arms.

The arms exist publicly (the study's definition lists them), so the arms get names found nowhere
else and the checks look at what ties a subject to an arm."""
import json

import pytest
from sqlalchemy import select, text

from plugins.rtsm.models import Allocation
from plugins.rtsm.services import studies

ARMS = [{"code": "ZULU", "name": "Zuluzumab 5 mg", "ratio": 1}, {"code": "YANK", "name": "Yankovir sham", "ratio": 1}]
TELLTALES = ("ZULU", "YANK", "Zuluzumab", "Yankovir")
BLINDING = {"name": "Blinding 101", "protocol": "BL-101", "arms": ARMS, "sites": ["S01", "S02"],
            "scheme": {"type": "stratified_block", "block_sizes": [2, 4], "strata": ["site"]}}


def clean(text_: str, where: str) -> None:
    found = [word for word in TELLTALES if word in text_]
    assert not found, f"{where} shows an arm: {found}"


@pytest.fixture
def blind(sponsor):
    study_id = sponsor.run(lambda session: studies.create_study(BLINDING).id)
    staff = sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff")
    cro, cro_owner = sponsor.share_site("cro", None, ["blinded"], name="Clinical Research Org",
                                        study_id=study_id)
    return {"study_id": study_id, "staff": staff, "cro": cro, "cro_owner": cro_owner,
            "api": f"/api/v1/o/acme-pharma/rtsm/studies/{study_id}"}


def _randomize(sponsor, blind, subject, site, user):
    answer = sponsor.app.test_client().post(f"{blind['api']}/randomize", headers=sponsor.headers(user),
                                            json={"subject": subject, "site": site})
    assert answer.status_code == 201, answer.get_json()
    return answer


def test_blinded_people_never_see_an_arm(sponsor, blind):
    answers = [_randomize(sponsor, blind, "S01-001", "S01", sponsor.owner),
               _randomize(sponsor, blind, "S02-001", "S02", blind["staff"])]
    for answer in answers:
        assert not {"arm", "arm_name"} & set(answer.get_json())
        clean(answer.get_data(as_text=True), "a randomize answer")
    ids = sponsor.run(lambda session: dict(session.execute(select(Allocation.subject, Allocation.id)).all()))
    people = [("acme-pharma", sponsor.owner, sponsor.org), ("acme-pharma", blind["staff"], sponsor.org),
              ("cro", blind["cro_owner"], blind["cro"])]
    for slug, user, org in people:
        client, headers = sponsor.login_as(user), sponsor.headers(user, org)
        api = f"/api/v1/o/{slug}/rtsm/studies/{blind['study_id']}"
        assert client.get(f"{api}/allocations", headers=headers).status_code == 403, slug
        shown = client.get(api, headers=headers).get_json()["scheme"]
        assert "block_sizes" not in shown and "list_sha256" not in shown
        pages = [f"/o/{slug}/rtsm/studies/{blind['study_id']}/subjects"]
        pages += [f"/o/{slug}/rtsm/studies/{blind['study_id']}/subjects/{i}" for i in ids.values()]
        for page in pages + ["/notifications"]:
            answer = client.get(page)
            assert answer.status_code == 200, (page, answer.status_code)
            clean(answer.get_data(as_text=True), f"{page} for {user.email}")


def test_the_audit_trail_and_the_events_of_randomizations_hold_no_arm(sponsor, blind):
    _randomize(sponsor, blind, "S01-001", "S01", sponsor.owner)
    trail = sponsor.app.test_client().get("/api/v1/o/acme-pharma/audit?tool=rtsm", headers=sponsor.headers())
    assert trail.status_code == 200
    entries = [e for e in trail.get_json()["entries"] if e["entity_type"] in ("allocation", "kit", "scheme")]
    assert any(e["entity_type"] == "allocation" for e in entries)
    clean(json.dumps(entries), "the audit trail of randomizations")
    rows = sponsor.run(lambda session: session.execute(text(
        "SELECT name, payload FROM outbox_event WHERE name LIKE 'rtsm.%'")).all())
    assert [name for name, _ in rows] == ["rtsm.subject_randomized"]
    for _, payload in rows:
        found = json.loads(payload) if isinstance(payload, str) else payload
        assert "arm" not in found
        clean(json.dumps(found), "an event payload")


def test_an_unblinded_member_sees_the_arms(sponsor, blind):
    una = sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "unblinded", "site_staff")
    found = _randomize(sponsor, blind, "S01-001", "S01", una).get_json()
    assert found["arm"] in ("ZULU", "YANK")
    rows = sponsor.login_as(una).get(f"{blind['api']}/allocations", headers=sponsor.headers(una)).get_json()
    assert [(r["subject"], r["arm"]) for r in rows["allocations"]] == [("S01-001", found["arm"])]
    allocation_id = sponsor.run(lambda session: session.scalar(select(Allocation.id)))
    page = sponsor.login_as(una).get(f"/o/acme-pharma/rtsm/studies/{blind['study_id']}/subjects/{allocation_id}")
    assert found["arm_name"] in page.get_data(as_text=True)


def test_a_blinded_randomizer_gets_a_kit_number_and_no_arm(sponsor):
    from .supply_world import stock_site

    stock_site(sponsor, "S01")
    api = f"/api/v1/o/acme-pharma/rtsm/studies/{sponsor.study_id}"
    client, headers = sponsor.app.test_client(), sponsor.headers()
    found = client.post(f"{api}/randomize", headers=headers,
                        json={"subject": "S01-001", "site": "S01", "factors": {"sex": "F"}}).get_json()
    assert found["kit"].startswith("K") and not {"arm", "arm_name"} & set(found)
    kits = client.get(f"{api}/kits", headers=headers)
    assert kits.status_code == 200
    assert all("arm" not in kit for kit in kits.get_json()["kits"])
    short = client.post(f"{api}/randomize", headers=headers,
                        json={"subject": "S02-001", "site": "S02", "factors": {"sex": "F"}})
    assert short.status_code == 422 and list(short.get_json()["fields"]) == ["kit"]
    clean(short.get_data(as_text=True), "a kit shortage")
    assert "Cardiozol" not in short.get_data(as_text=True) and "Placebo" not in short.get_data(as_text=True)
    again = client.post(f"{api}/randomize", headers=headers,
                        json={"subject": "S01-001", "site": "S01", "factors": {"sex": "F"}})
    assert again.status_code == 200 and again.get_json()["kit"] == found["kit"]
