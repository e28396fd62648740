"""Closing a binder at the study's end: versions in use archived, no more filing, retention from
the end date; only the owner's managers close it, on the page (confirmed) or through the API."""
from __future__ import annotations

import io

from plugins.edocs.models import Study, Version
from sdk.testing import submit_form

API = "/api/v1/o/acme-pharma/edocs"


def test_closing_archives_what_is_in_use_and_refuses_new_filings(sponsor):
    draft = sponsor.file()
    client = sponsor.app.test_client()
    refused = client.post(f"{API}/studies/{sponsor.study_id}/close", json={"ended_on": "2999-01-01"},
                          headers=sponsor.headers())
    assert refused.status_code == 422 and "future" in refused.get_json()["message"]
    closed = client.post(f"{API}/studies/{sponsor.study_id}/close", json={"ended_on": "2026-06-30"},
                         headers=sponsor.headers())
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert closed.get_json()["ended_on"] == "2026-06-30"
    assert sponsor.run(lambda s: s.get(Version, draft).status) == "archived"
    again = client.post(f"{API}/studies/{sponsor.study_id}/close", json={}, headers=sponsor.headers())
    assert again.status_code == 409
    filing = client.post(f"{API}/studies/{sponsor.study_id}/documents", headers=sponsor.headers(),
                         data={"artifact": "02.01.01", "file": (io.BytesIO(b"late\n"), "late.txt")},
                         content_type="multipart/form-data")
    assert filing.status_code == 409 and "closed" in filing.get_json()["message"]


def test_the_page_asks_for_a_confirmation_and_a_cro_cannot_close(sponsor):
    page = f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/close"
    unconfirmed = submit_form(sponsor.client, page, {"ended_on": "2026-06-30"})
    assert unconfirmed.status_code == 422 and "cannot be reopened" in unconfirmed.get_data(as_text=True)
    assert sponsor.run(lambda s: s.get(Study, sponsor.study_id).status) == "active"
    cro, owner = sponsor.share_site("helix", None, ["tmf_manager"])
    answer = sponsor.app.test_client().post(f"/api/v1/o/helix/edocs/studies/{sponsor.study_id}/close", json={},
                                            headers=sponsor.headers(owner, cro))
    assert answer.status_code == 403
    closed = submit_form(sponsor.client, page, {"ended_on": "2026-06-30", "confirm": "y"})
    assert closed.status_code == 303
    assert sponsor.run(lambda s: s.get(Study, sponsor.study_id).status) == "closed"
