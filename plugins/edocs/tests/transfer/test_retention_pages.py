"""The "Retention and holds" page and the retention panel of a document's page."""
from __future__ import annotations

from datetime import date

from plugins.edocs.models import Artifact, Document, Study, Version
from plugins.edocs.services import studies
from sdk import tool
from sdk.testing import submit_form


def _document_id(sponsor, version_id):
    return sponsor.run(lambda s: s.get(Version, version_id).document_id)


def _page(sponsor, document_id):
    return f"/o/acme-pharma/edocs/documents/{document_id}"


def test_the_document_page_shows_retention_and_places_and_releases_a_hold(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    page = sponsor.client.get(_page(sponsor, document_id)).get_data(as_text=True)
    assert "25 years after the study" in page and "Place a legal hold" in page
    hold = f"/o/acme-pharma/edocs/documents/{document_id}/hold"
    empty = submit_form(sponsor.client, _page(sponsor, document_id), {"hold_on": "1", "hold_reason": ""},
                        action=hold, follow_redirects=True)
    assert "Give the reason for placing the legal hold." in empty.get_data(as_text=True)
    assert sponsor.run(lambda s: s.get(Document, document_id).legal_hold) is False
    placed = submit_form(sponsor.client, _page(sponsor, document_id), {"hold_on": "1", "hold_reason": "Audit 7"},
                         action=hold, follow_redirects=True)
    assert "Release the legal hold" in placed.get_data(as_text=True)
    assert sponsor.run(lambda s: s.get(Document, document_id).hold_reason) == "Audit 7"
    listing = sponsor.client.get(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/retention").get_data(as_text=True)
    assert f'data-document="{document_id}"' in listing and "Audit 7" in listing
    submit_form(sponsor.client, _page(sponsor, document_id), {"hold_on": "0", "hold_reason": "Audit closed"},
                action=hold)
    assert sponsor.run(lambda s: s.get(Document, document_id).legal_hold) is False


def test_deleting_from_the_page_before_retention_is_refused_shown_and_audited(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    sponsor.as_user(sponsor.owner, lambda s: studies.close_study(s.get(Study, sponsor.study_id), ended_on=date(2024, 1, 15)))
    answer = submit_form(sponsor.client, _page(sponsor, document_id), {"delete_reason": "Clean-up"},
                         action=f"/o/acme-pharma/edocs/documents/{document_id}/delete", follow_redirects=True)
    assert "kept until 2049-01-15" in answer.get_data(as_text=True)
    assert sponsor.run(lambda s: s.get(Document, document_id)) is not None
    actions = sponsor.as_user(sponsor.owner, lambda s: [
        e.action for e in tool().audit.history(entity_type="document", entity_id=str(document_id))])
    assert "delete_refused" in actions


def test_deleting_from_the_page_after_retention_goes_back_to_the_binder(sponsor):
    document_id = _document_id(sponsor, sponsor.file())
    sponsor.as_user(sponsor.owner, lambda s: studies.close_study(s.get(Study, sponsor.study_id), ended_on=date(1980, 1, 1)))
    answer = submit_form(sponsor.client, _page(sponsor, document_id), {"delete_reason": "Retention over"},
                         action=f"/o/acme-pharma/edocs/documents/{document_id}/delete")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/studies/{sponsor.study_id}")
    assert sponsor.run(lambda s: s.get(Document, document_id)) is None


def test_a_manager_sets_an_artifacts_retention_period(sponsor):
    page = f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/retention"
    shown = sponsor.client.get(page).get_data(as_text=True)
    assert "Retention periods" in shown and "01.01.01" in shown
    refused = submit_form(sponsor.client, page, {"artifact": "05.02.04", "retention_years": "0"})
    assert refused.status_code == 422 and "1 to 100" in refused.get_data(as_text=True)
    done = submit_form(sponsor.client, page, {"artifact": "05.02.04", "retention_years": "30"})
    assert done.status_code == 303
    assert sponsor.run(lambda s: s.query(Artifact).filter_by(study_id=sponsor.study_id, number="05.02.04")
                       .one().retention_years) == 30


def test_a_member_without_manage_binder_sees_no_forms_and_is_refused(sponsor):
    cta = sponsor.member("cara@acme-pharma.example.org", "Cara Associate", "cta")
    document_id = _document_id(sponsor, sponsor.file())
    client = sponsor.login_as(cta)
    page = client.get(_page(sponsor, document_id)).get_data(as_text=True)
    assert "Retention" in page and "Place a legal hold" not in page
    retention = client.get(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/retention").get_data(as_text=True)
    assert "Change an artifact" not in retention
    assert client.post(f"/o/acme-pharma/edocs/documents/{document_id}/hold",
                       data={"hold_on": "1", "hold_reason": "x"}).status_code in (400, 403)
