"""Review and lock through the pages: the review table with its site filter, the casebook,
one-button steps, reopening with a reason (422 without one), conflicts (409), rights (403) and
another organization guessing ids (404)."""
from __future__ import annotations

from html import unescape

from plugins.edc.models import FormInstance, Study, StudySite, Subject
from plugins.edc.services import entry
from sdk.testing import post_with_token, submit_form

from .helpers import EVENT, form_path, name

VITALS = {"visit_date": "2025-03-14", "weight": "70", "height": "175", "sbp": "120"}
COORDINATOR = ["view_study", "enter_data", "respond_queries"]


def with_vitals(sponsor, key="101-001", site="101"):
    def make(session):
        study = session.get(Study, sponsor.study_id)
        subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids[site]), key)
        form = entry.save_form(study, subject, EVENT, "F.vitals", {name(k): v for k, v in VITALS.items()},
                               complete=True).form
        return subject.id, form.id
    return sponsor.run(make)


def paths(sponsor, subject_id):
    base = f"/o/acme-pharma/edc/studies/{sponsor.study_id}"
    return base + "/review", base + f"/subjects/{subject_id}/casebook", base + "/review"


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_review_page_lists_subjects_by_site_with_their_marks(sponsor):
    with_vitals(sponsor, "101-001", "101")
    with_vitals(sponsor, "102-001", "102")
    review_path, _, _ = paths(sponsor, 0)
    page = text_of(sponsor.client.get(review_path))
    assert "101-001" in page and "102-001" in page and "1 entered: 1 complete, 0 verified" in page
    assert "Not signed" in page and "Lock study" in page and "Freeze study" in page
    only_102 = text_of(sponsor.client.get(review_path + f"?site={sponsor.site_ids['102']}"))
    assert "102-001" in only_102 and "101-001" not in only_102


def test_the_casebook_shows_values_read_only_and_the_signature_block(sponsor):
    subject_id, form_id = with_vitals(sponsor)
    _, casebook, _ = paths(sponsor, subject_id)
    page = text_of(sponsor.client.get(casebook))
    assert "Weight (kg)" in page and ">70<" in page and "22.9" in page, "values with the calculated BMI"
    assert 'name="IG.vitals__1__IT.weight"' not in page, "no inputs: read-only"
    assert 'class="signature-block"' in page and 'class="record-history"' in page
    assert "2 forms are not complete yet" in page, "enrolment and labs are not entered"
    assert "Verify source data" in page and "Lock form" in page


def test_lock_a_form_from_the_casebook_then_entry_answers_409_and_nothing_changes(sponsor):
    subject_id, form_id = with_vitals(sponsor)
    _, casebook, _ = paths(sponsor, subject_id)
    lock = f"/o/acme-pharma/edc/studies/{sponsor.study_id}/review/form/{form_id}/lock"
    done = submit_form(sponsor.client, casebook, {}, action=lock, follow_redirects=True)
    assert done.status_code == 200 and "Form F.vitals of subject 101-001: locked." in text_of(done)
    entry_path = form_path("acme-pharma", subject_id)
    refused = post_with_token(sponsor.client, entry_path + "?occurrence=1",
                              {**{name(k): v for k, v in VITALS.items()}, name("weight"): "80",
                               "reason": "Typo"}, token_from=entry_path)
    assert refused.status_code == 409
    assert sponsor.run(lambda session: [v.value for v in entry.stored_values(session.get(FormInstance, form_id))
                                        .values() if v.item_oid == "IT.weight"]) == ["70"]
    again = post_with_token(sponsor.client, lock, {}, token_from=casebook)
    assert again.status_code == 409 and "locked already" in text_of(again)


def test_unlocking_asks_for_a_reason(sponsor):
    subject_id, _ = with_vitals(sponsor)
    _, casebook, _ = paths(sponsor, subject_id)
    base = f"/o/acme-pharma/edc/studies/{sponsor.study_id}/review/subject/{subject_id}"
    submit_form(sponsor.client, casebook, {}, action=base + "/lock")
    assert "Unlock subject…" in text_of(sponsor.client.get(casebook))
    unlock = base + "/unlock"
    refused = submit_form(sponsor.client, unlock, {"reason": ""}, action=unlock)
    assert refused.status_code == 422 and "Say why you unlock it" in text_of(refused)
    assert 'aria-invalid="true"' in text_of(refused)
    done = submit_form(sponsor.client, unlock, {"reason": "Late lab result"}, action=unlock)
    assert done.status_code == 302 and done.location.endswith(casebook)
    assert sponsor.run(lambda session: session.get(Subject, subject_id).locked) is False
    history = text_of(sponsor.client.get(casebook)).split('class="record-history"')[1]
    assert "Late lab result" in history


def test_study_level_steps_live_on_the_review_page(sponsor):
    review_path, _, _ = paths(sponsor, 0)
    base = f"/o/acme-pharma/edc/studies/{sponsor.study_id}/review/study/{sponsor.study_id}"
    submit_form(sponsor.client, review_path, {}, action=base + "/freeze")
    page = text_of(sponsor.client.get(review_path))
    assert "Unfreeze study…" in page and "Lock study" in page
    submit_form(sponsor.client, review_path, {}, action=base + "/lock")
    assert sponsor.run(lambda session: session.get(Study, sponsor.study_id).state) == "locked"
    done = submit_form(sponsor.client, base + "/unlock", {"reason": "Database reopened for a late SAE"},
                       action=base + "/unlock")
    assert done.status_code == 302
    assert sponsor.run(lambda session: session.get(Study, sponsor.study_id).state) == "open"


def test_a_site_coordinator_sees_no_steps_and_is_refused(sponsor, make_user, add_member, login_as):
    subject_id, form_id = with_vitals(sponsor)
    coordinator = make_user("cora@acme-pharma.example.org", name="Cora Coordinator")
    add_member(sponsor.org, coordinator, permissions={"edc": COORDINATOR})
    client = login_as(coordinator)
    _, casebook, _ = paths(sponsor, subject_id)
    page = text_of(client.get(casebook))
    assert "Lock form" not in page and "Verify source data" not in page
    for step in ("lock", "verify"):
        url = f"/o/acme-pharma/edc/studies/{sponsor.study_id}/review/form/{form_id}/{step}"
        assert post_with_token(client, url, {}, token_from=casebook).status_code == 403
    assert sponsor.run(lambda session: session.get(FormInstance, form_id).locked) is False


def test_another_organization_guessing_ids_gets_404(sponsor, make_user, make_org, grant_license, login_as):
    subject_id, form_id = with_vitals(sponsor)
    owner = make_user("owner@other-pharma.example.org", name="Other Owner")
    grant_license(make_org("other-pharma", owner=owner), "edc", enable=True)
    client = login_as(owner)
    base = f"/o/other-pharma/edc/studies/{sponsor.study_id}"
    assert client.get(base + "/review").status_code == 404
    assert client.get(base + f"/subjects/{subject_id}/casebook").status_code == 404
    lock = base + f"/review/form/{form_id}/lock"
    assert post_with_token(client, lock, {}, token_from="/o/other-pharma/edc/").status_code == 404
    assert client.get(f"/o/acme-pharma/edc/studies/{sponsor.study_id}/review").status_code == 404
    assert sponsor.run(lambda session: session.get(FormInstance, form_id).locked) is False



def site_investigator(sponsor, make_user, make_org, login_as):
    """Charité's owner, holding the investigator role on site 101 through an accepted grant."""
    from plugins.edc.services import studies

    investigator = make_user("ines@charite.example.org", name="Ines Investigator")
    site_org = make_org("charite", type="site", owner=investigator, name="Charité")

    def share(session):
        study = session.get(Study, sponsor.study_id)
        site = session.get(StudySite, sponsor.site_ids["101"])
        return studies.share_study(study, with_org="charite", roles=["investigator"], site=site).id
    grant_id = sponsor.run(share)
    client = login_as(investigator)
    assert submit_form(client, "/o/charite/sharing", {}, action=f"/o/charite/sharing/{grant_id}/accept"
                       ).status_code == 302
    return investigator, site_org, client


def test_a_site_investigator_reviews_only_its_own_site_and_may_not_lock(sponsor, make_user, make_org, login_as,
                                                                        support):
    ours, ours_form = with_vitals(sponsor, "101-001", "101")
    theirs, theirs_form = with_vitals(sponsor, "102-001", "102")
    investigator, site_org, client = site_investigator(sponsor, make_user, make_org, login_as)
    base = f"/o/charite/edc/studies/{sponsor.study_id}"
    review_page = text_of(client.get(base + "/review"))
    assert "101-001" in review_page and "102-001" not in review_page and "Lock study" not in review_page
    assert client.get(base + f"/subjects/{theirs}/casebook").status_code == 404
    assert "Lock form" not in text_of(client.get(base + f"/subjects/{ours}/casebook"))
    for form_id in (ours_form, theirs_form):
        assert post_with_token(client, base + f"/review/form/{form_id}/lock", {},
                               token_from=base + "/review").status_code in (403, 404)
    headers = {"Authorization": f"Bearer {support.issue_token(site_org, investigator)}"}
    api = client.get(f"/api/v1/o/charite/edc/studies/{sponsor.study_id}/review", headers=headers).get_json()
    assert [s["subject_key"] for s in api["subjects"]] == ["101-001"]
    assert sponsor.run(lambda session: session.get(FormInstance, ours_form).locked) is False


def test_a_site_investigator_signs_the_casebook_of_its_site(sponsor, make_user, make_org, login_as):
    from sdk.testing import sign_record
    from sdk.testing.support import TEST_PASSWORD

    ours, _ = with_vitals(sponsor, "101-001", "101")
    investigator, _, client = site_investigator(sponsor, make_user, make_org, login_as)
    casebook = f"/o/charite/edc/studies/{sponsor.study_id}/subjects/{ours}/casebook"
    signed = sign_record(client, casebook, {"meaning": "approved", "email": investigator.email,
                                            "password": TEST_PASSWORD})
    assert "Signed by Ines Investigator, meaning: Approved." in text_of(signed)
