"""POST /studies/<id>/unblindings: one subject per request, signed with the requester's password,
audited, the sponsor's unblinded people notified without the arm; a wrong password writes
nothing; site staff and a blinded owner are refused."""
import pytest
from sqlalchemy import func, select

from plugins.rtsm.models import Allocation, Unblinding
from sdk import tool
from sdk.testing.support import TEST_PASSWORD

BASE = "/api/v1/o/acme-pharma/rtsm"
REASON = "Severe hypotension: the emergency team needs the treatment"


@pytest.fixture
def world(sponsor):
    client = sponsor.app.test_client()
    for n, sex in ((1, "F"), (2, "M")):
        answer = client.post(f"{BASE}/studies/{sponsor.study_id}/randomize", headers=sponsor.headers(),
                             json={"subject": f"S01-00{n}", "site": "S01", "factors": {"sex": sex}})
        assert answer.status_code == 201
    return {"client": client, "url": f"{BASE}/studies/{sponsor.study_id}/unblindings",
            "investigator": sponsor.member("ines@acme-pharma.example.org", "Ines Investigator", "investigator"),
            "unblinded": sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "unblinded")}


def _arms(sponsor):
    return dict(sponsor.run(lambda session: session.execute(select(Allocation.subject, Allocation.arm_code)).all()))


def _reveals(sponsor):
    def read(session):
        ids = session.scalars(select(Unblinding.id).order_by(Unblinding.id)).all()
        return {i: [e.action for e in tool().audit.history(entity_type="unblinding", entity_id=str(i))]
                for i in ids}
    return sponsor.run(read)


def test_each_unblinding_reveals_one_subject_and_is_audited(sponsor, world):
    client, investigator = world["client"], world["investigator"]
    headers = sponsor.headers(investigator)
    first = client.post(world["url"], headers=headers,
                        json={"subject": "S01-001", "reason": REASON, "password": TEST_PASSWORD})
    assert first.status_code == 201, first.get_json()
    found = first.get_json()
    arms = _arms(sponsor)
    assert found["subject"] == "S01-001" and found["arm"] == arms["S01-001"]
    assert found["arm_name"] in ("Cardiozol 10 mg", "Placebo") and found["unblinded_by"] == "Ines Investigator"
    assert "S01-002" not in first.get_data(as_text=True)
    # a new client: the host's signing leaves a web-session cookie that answers 401 to the next
    # bearer call of a client keeping cookies (reported to the host's owners)
    second = sponsor.app.test_client().post(world["url"], headers=headers,
                         json={"subject": "S01-002", "reason": REASON, "password": TEST_PASSWORD,
                               "email": investigator.email})
    assert second.status_code == 201, second.get_json()
    assert second.get_json()["arm"] == arms["S01-002"]
    reveals = _reveals(sponsor)
    assert len(reveals) == 2
    assert all(actions.count("revealed") == 1 and actions[0] == "create" and "sign" in actions
               for actions in reveals.values()), reveals


def test_the_sponsors_unblinded_people_are_notified_without_the_arm(sponsor, world):
    answer = world["client"].post(world["url"], headers=sponsor.headers(world["investigator"]),
                                  json={"subject": "S01-001", "reason": REASON, "password": TEST_PASSWORD})
    assert answer.status_code == 201
    page = sponsor.login_as(world["unblinded"]).get("/notifications").get_data(as_text=True)
    assert "Emergency unblinding of subject S01-001 at site S01" in page
    assert "Cardiozol" not in page and "Placebo" not in page
    blinded = sponsor.client.get("/notifications").get_data(as_text=True)
    assert "Emergency unblinding" not in blinded, "the blinded owner holds no see_arms"


def test_a_wrong_password_writes_nothing(sponsor, world):
    refused = world["client"].post(world["url"], headers=sponsor.headers(world["investigator"]),
                                   json={"subject": "S01-001", "reason": REASON, "password": "not it"})
    assert refused.status_code == 403 and "Signature refused" in refused.get_json()["message"]
    assert "arm" not in refused.get_json()
    assert sponsor.run(lambda session: session.scalar(select(func.count(Unblinding.id)))) == 0


def test_site_staff_and_a_blinded_owner_may_not_unblind(sponsor, world):
    staff = sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff")
    body = {"subject": "S01-001", "reason": REASON, "password": TEST_PASSWORD}
    assert world["client"].post(world["url"], headers=sponsor.headers(staff), json=body).status_code == 403
    assert world["client"].post(world["url"], headers=sponsor.headers(), json=body).status_code == 403
    assert sponsor.run(lambda session: session.scalar(select(func.count(Unblinding.id)))) == 0


def test_a_short_reason_or_an_unknown_subject_is_a_422(sponsor, world):
    headers = sponsor.headers(world["investigator"])
    short = world["client"].post(world["url"], headers=headers,
                                 json={"subject": "S01-001", "reason": "urgent", "password": TEST_PASSWORD})
    assert short.status_code == 422 and list(short.get_json()["fields"]) == ["reason"]
    unknown = world["client"].post(world["url"], headers=headers,
                                   json={"subject": "S01-999", "reason": REASON, "password": TEST_PASSWORD})
    assert unknown.status_code == 422 and list(unknown.get_json()["fields"]) == ["subject"]
