"""Retention and legal hold through the API: refused deletions are audited, permitted ones
delete the document and its versions (audited by the models)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from plugins.edocs.models import Document, Study, Version
from plugins.edocs.services import studies
from sdk import tool

BASE = "/api/v1/o/acme-pharma/edocs"


def _api(sponsor):
    return sponsor.app.test_client()


def _document_id(sponsor, version_id):
    return sponsor.run(lambda s: s.get(Version, version_id).document_id)


def _history(sponsor, document_id):
    return sponsor.as_user(sponsor.owner, lambda s: [
        (e.action, e.reason) for e in tool().audit.history(entity_type="document", entity_id=str(document_id))])


def _close(sponsor, ended_on):
    sponsor.as_user(sponsor.owner, lambda s: studies.close_study(s.get(Study, sponsor.study_id), ended_on=ended_on))


def _delete(sponsor, document_id, reason="Retention period over", headers=None):
    return _api(sponsor).delete(f"{BASE}/documents/{document_id}", json={"reason": reason},
                                headers=headers or sponsor.headers())


def test_deleting_before_the_retention_date_is_refused_and_audited(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    _close(sponsor, date(2024, 3, 31))
    answer = _delete(sponsor, document_id)
    assert answer.status_code == 409
    assert "kept until 2049-03-31" in answer.get_json()["message"]
    assert sponsor.run(lambda s: s.get(Document, document_id)) is not None
    refused = [entry for entry in _history(sponsor, document_id) if entry[0] == "delete_refused"]
    assert len(refused) == 1 and "Retention period over" in refused[0][1] and "2049-03-31" in refused[0][1]


def test_deleting_while_the_study_runs_is_refused_and_audited(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    answer = _delete(sponsor, document_id)
    assert answer.status_code == 409 and "has not ended" in answer.get_json()["message"]
    assert [a for a, _ in _history(sponsor, document_id)].count("delete_refused") == 1


def test_a_legal_hold_blocks_deletion_after_retention_until_released(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    _close(sponsor, date(1990, 1, 1))
    no_reason = _api(sponsor).post(f"{BASE}/documents/{document_id}/hold", json={"on": True, "reason": " "},
                                   headers=sponsor.headers())
    assert no_reason.status_code == 422
    held = _api(sponsor).post(f"{BASE}/documents/{document_id}/hold", json={"on": True, "reason": "Litigation 42"},
                              headers=sponsor.headers())
    assert held.status_code == 200 and held.get_json()["legal_hold"] is True
    refused = _delete(sponsor, document_id)
    assert refused.status_code == 409 and "legal hold (Litigation 42)" in refused.get_json()["message"]
    assert "delete_refused" in [a for a, _ in _history(sponsor, document_id)]
    released = _api(sponsor).post(f"{BASE}/documents/{document_id}/hold",
                                  json={"on": False, "reason": "Litigation settled"}, headers=sponsor.headers())
    assert released.status_code == 200 and released.get_json()["legal_hold"] is False
    assert _delete(sponsor, document_id).status_code == 200


def test_deleting_after_retention_removes_the_document_and_audits_each_row(sponsor):
    v1 = sponsor.file(data=b"one\n")
    document_id = _document_id(sponsor, v1)
    v2 = sponsor.file(data=b"two\n", document_id=document_id)
    _close(sponsor, date(1990, 1, 1))
    detail = _api(sponsor).get(f"{BASE}/documents/{document_id}", headers=sponsor.headers()).get_json()
    assert detail["retention"]["deletable"] is True and detail["retention"]["until"] == "2015-01-01"
    deleted = _delete(sponsor, document_id)
    assert deleted.status_code == 200 and deleted.get_json() == {"id": document_id, "deleted": True, "versions": 2}
    assert sponsor.run(lambda s: s.scalar(select(func.count()).select_from(Version)
                                          .where(Version.id.in_([v1, v2])))) == 0
    assert _api(sponsor).get(f"{BASE}/documents/{document_id}", headers=sponsor.headers()).status_code == 404
    assert "delete" in [a for a, _ in _history(sponsor, document_id)]
    deleted_versions = sponsor.as_user(sponsor.owner, lambda s: [
        e.action for v in (v1, v2) for e in tool().audit.history(entity_type="version", entity_id=str(v))])
    assert deleted_versions.count("delete") == 2


def test_holds_and_deletion_need_the_owners_manager(sponsor):
    cta = sponsor.member("cara@acme-pharma.example.org", "Cara Associate", "cta")
    document_id = _document_id(sponsor, sponsor.file())
    as_cta = sponsor.headers(cta)
    assert _api(sponsor).post(f"{BASE}/documents/{document_id}/hold", json={"on": True, "reason": "x"},
                              headers=as_cta).status_code == 403
    assert _delete(sponsor, document_id, headers=as_cta).status_code == 403
    assert _delete(sponsor, 999999).status_code == 404


def test_a_retention_period_per_artifact_moves_the_date(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    sponsor.run(lambda s: studies.set_retention(s.get(Study, sponsor.study_id), "02.01.01", 2))
    _close(sponsor, date(2020, 6, 30))
    detail = _api(sponsor).get(f"{BASE}/documents/{document_id}", headers=sponsor.headers()).get_json()
    assert detail["retention"]["until"] == "2022-06-30" and detail["retention"]["years"] == 2
    assert _delete(sponsor, document_id).status_code == 200
