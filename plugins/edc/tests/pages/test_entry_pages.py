"""Subjects and data entry through the pages: enrolling, entering a form drawn from the metadata,
correcting with a reason, null flavours, live branching (the preview endpoint), the calculated
BMI, and a locked form answering 409 with nothing changed."""
from sqlalchemy import select

from plugins.edc.models import FormInstance, ItemValue, Study
from sdk.testing import post_with_token, submit_form

from .helpers import enroll, form_path, name

SUBJECTS = "/o/acme-pharma/edc/studies/{}/subjects"


def _values(sponsor, subject_id):
    return sponsor.run(lambda session: {row.item_oid: (row.value, row.null_flavour) for row in session.scalars(
        select(ItemValue).join(FormInstance).where(FormInstance.subject_id == subject_id))})


def _save(sponsor, subject_id, data, form="vitals"):
    path = form_path("acme-pharma", subject_id, form)
    return submit_form(sponsor.client, path, data, action=path + "?occurrence=1")


def test_enroll_from_the_subjects_page_and_see_the_schedule(sponsor):
    page = SUBJECTS.format(sponsor.study_id)
    listing = sponsor.client.get(page)
    assert listing.status_code == 200 and b"Enroll a subject" in listing.data and b"Charit" in listing.data
    refused = submit_form(sponsor.client, page, {"site_id": str(sponsor.site_ids["101"]), "subject_key": ""},
                          action=page + "/enroll")
    assert refused.status_code == 422 and b"Enter the subject&#39;s number" in refused.data
    done = submit_form(sponsor.client, page, {"site_id": str(sponsor.site_ids["101"]), "subject_key": "101-001"},
                       action=page + "/enroll")
    assert done.status_code == 302
    subject_page = sponsor.client.get(done.location)
    text = subject_page.get_data(as_text=True)
    assert subject_page.status_code == 200 and "Subject 101-001" in text
    assert text.index("enrolment") < text.index("vitals") < text.index("labs"), "the protocol's order"
    assert text.count("Not started") == 3
    again = submit_form(sponsor.client, page, {"site_id": str(sponsor.site_ids["101"]), "subject_key": "101-001"},
                        action=page + "/enroll")
    assert again.status_code == 422 and b"has a subject 101-001 already" in again.data
    listing = sponsor.client.get(page + f"?site={sponsor.site_ids['102']}")
    assert b">101-001</a>" not in listing.data, "filtered by site"
    assert b">101-001</a>" in sponsor.client.get(page).data


def test_the_form_is_drawn_from_the_metadata(sponsor):
    subject_id = enroll(sponsor)
    html = sponsor.client.get(form_path("acme-pharma", subject_id, "enrolment")).get_data(as_text=True)
    assert 'type="date"' in html and 'name="IG.enrolment__1__IT.sex"' in html and 'type="radio"' in html
    assert 'type="checkbox"' in html and "<textarea" in html and "shown only if [sex] = &#39;2&#39;" in html
    assert "Not applicable" in html and "Reason for change" not in html, "not saved before"
    assert "<h4>" not in html and "Consent" in html, "REDCap's HTML shown as text"
    vitals = sponsor.client.get(form_path("acme-pharma", subject_id)).get_data(as_text=True)
    assert "readonly" in vitals and '-hint">kg; required to complete the form<' in vitals and "Check the cuff size" in vitals
    assert 'src="/o/acme-pharma/edc/static/entry.js"' in vitals or "entry.js" in vitals


def test_enter_then_correct_with_a_reason(sponsor, support):
    subject_id = enroll(sponsor)
    saved = _save(sponsor, subject_id, {name("visit_date"): "2025-03-14", name("weight"): "70",
                                        name("height"): "175", name("sbp"): "230"})
    assert saved.status_code == 302
    page = sponsor.client.get(saved.location).get_data(as_text=True)
    assert "above the" in page and "Systolic BP" in page, "the soft check is shown after the save"
    assert _values(sponsor, subject_id)["IT.bmi"] == ("22.9", None), "round(...,1) of 22.857"
    assert "Reason for change" in page and 'value="22.9"' in page
    kept = {name("visit_date"): "2025-03-14", name("height"): "175", name("sbp"): "230"}
    without = _save(sponsor, subject_id, {name("weight"): "72", **kept})
    assert without.status_code == 422 and b"Say why you change data" in without.data
    assert b'value="72"' in without.data, "what was typed is kept"
    assert _values(sponsor, subject_id)["IT.weight"] == ("70", None)
    fixed = _save(sponsor, subject_id, {name("weight"): "72", **kept, "reason": "Transcription error"})
    assert fixed.status_code == 302
    assert _values(sponsor, subject_id)["IT.weight"] == ("72", None)
    token = support.issue_token(sponsor.org, sponsor.owner)
    trail = sponsor.app.test_client().get("/api/v1/o/acme-pharma/audit",
                                          headers={"Authorization": f"Bearer {token}"}).get_json()["entries"]
    changed = [e for e in trail if e["entity_type"] == "item_value" and e["action"] == "update"]
    assert sorted((e["changes"]["value"], e["reason"]) for e in changed) == [
        (["22.9", "23.5"], "Transcription error"), (["70", "72"], "Transcription error")], "the BMI follows"


def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_written(sponsor):
    subject_id = enroll(sponsor)
    refused = _save(sponsor, subject_id, {name("weight"): "heavy", name("height"): "175"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "error-summary" in html and 'aria-invalid="true"' in html
    assert 'value="heavy"' in html and 'href="#IG.vitals__1__IT.weight"' in html
    assert _values(sponsor, subject_id) == {}


def test_a_null_flavour_and_mark_complete(sponsor):
    subject_id = enroll(sponsor)
    saved = _save(sponsor, subject_id, {name("weight"): "", f"{name('weight')}__null": "ND", "complete": "1"})
    assert saved.status_code == 302
    assert _values(sponsor, subject_id)["IT.weight"] == (None, "ND")
    page = sponsor.client.get(saved.location).get_data(as_text=True)
    assert '<option selected value="ND">' in page and "marked complete" in page
    assert 'data-state="complete"' in page
    unknown = _save(sponsor, subject_id, {name("weight"): "", f"{name('weight')}__null": "XX", "reason": "x"})
    assert unknown.status_code == 422 and b"Choose why the value is missing" in unknown.data


def test_an_event_that_happens_once_cannot_be_added_again(sponsor):
    subject_id = enroll(sponsor)
    page = f"/o/acme-pharma/edc/subjects/{subject_id}"
    answer = post_with_token(sponsor.client, page + "/events/SE.event_1/add", {}, token_from=page)
    assert answer.status_code == 302
    assert b"happens once" in sponsor.client.get(page).data


def _preview(sponsor, subject_id, data, form="vitals"):
    path = form_path("acme-pharma", subject_id, form)
    response = post_with_token(sponsor.client, path.replace("?", "/preview?") if "?" in path else path + "/preview",
                               data, token_from=path)
    assert response.status_code == 200
    return response.get_json()


def test_branching_hides_and_shows_the_right_fields_live(sponsor):
    subject_id = enroll(sponsor)
    preg, cig, other = name("pregnant", "enrolment"), name("cig_per_day"), name("race_other", "enrolment")
    assert preg in _preview(sponsor, subject_id, {name("sex", "enrolment"): "1"}, "enrolment")["hidden"]
    assert preg not in _preview(sponsor, subject_id, {name("sex", "enrolment"): "2"}, "enrolment")["hidden"]
    assert cig in _preview(sponsor, subject_id, {name("smoker"): "1"})["hidden"]
    assert cig not in _preview(sponsor, subject_id, {name("smoker"): "2"})["hidden"]
    race = name("race", "enrolment")
    assert other in _preview(sponsor, subject_id, {race: "1"}, "enrolment")["hidden"]
    found = post_with_token(sponsor.client, form_path("acme-pharma", subject_id, "enrolment") + "/preview",
                            [(race, "1"), (race, "98")], token_from=form_path("acme-pharma", subject_id, "enrolment"))
    assert other not in found.get_json()["hidden"], "race(98) ticked among others"
    calc = _preview(sponsor, subject_id, {name("weight"): "70", name("height"): "175"})["calculated"]
    assert calc == {name("bmi"): "22.9"}
    first = sponsor.client.get(form_path("acme-pharma", subject_id)).get_data(as_text=True)
    assert f'data-slot="{cig}" data-show-if="[smoker] = &#39;2&#39;" data-hidden="true"' in first, \
        "hidden at first; without the script it is still shown, with its note"


def test_a_hidden_field_is_ignored_on_save(sponsor):
    subject_id = enroll(sponsor)
    assert _save(sponsor, subject_id, {name("smoker"): "0", name("cig_per_day"): "20"}).status_code == 302
    assert "IT.cig_per_day" not in _values(sponsor, subject_id)


def test_a_locked_form_shows_read_only_and_refuses_with_409(sponsor):
    subject_id = enroll(sponsor)
    path = form_path("acme-pharma", subject_id)
    assert _save(sponsor, subject_id, {name("weight"): "70"}).status_code == 302
    token_page = sponsor.client.get(path)
    sponsor.run(lambda session: setattr(session.scalar(select(FormInstance)), "locked", True))
    page = sponsor.client.get(path).get_data(as_text=True)
    assert "This form is locked" in page and "Save and mark complete" not in page and "disabled" in page
    assert token_page.status_code == 200
    refused = post_with_token(sponsor.client, path + "?occurrence=1",
                              {name("weight"): "99", "reason": "x"}, token_from=f"/o/acme-pharma/edc/subjects/{subject_id}")
    assert refused.status_code == 409 and b"This form is locked" in refused.data
    assert _values(sponsor, subject_id)["IT.weight"] == ("70", None)
    subject_page = sponsor.client.get(f"/o/acme-pharma/edc/subjects/{subject_id}").get_data(as_text=True)
    assert "Locked" in subject_page


def test_unknown_ids_and_forms_answer_404(sponsor):
    subject_id = enroll(sponsor)
    assert sponsor.client.get("/o/acme-pharma/edc/subjects/99999").status_code == 404
    assert sponsor.client.get(form_path("acme-pharma", 99999)).status_code == 404
    assert sponsor.client.get(form_path("acme-pharma", subject_id, "nope")).status_code == 404
    assert sponsor.client.get(SUBJECTS.format(99999)).status_code == 404


def test_a_frozen_study_shows_why_and_refuses_enrolment_and_entry(sponsor):
    subject_id = enroll(sponsor)
    sponsor.run(lambda session: setattr(session.get(Study, sponsor.study_id), "state", "frozen"))
    path = form_path("acme-pharma", subject_id)
    page = sponsor.client.get(path).get_data(as_text=True)
    assert "The study is frozen" in page and "Save and mark complete" not in page
    refused = post_with_token(sponsor.client, path + "?occurrence=1", {name("weight"): "70"}, token_from=path)
    assert refused.status_code == 409 and _values(sponsor, subject_id) == {}
    listing = SUBJECTS.format(sponsor.study_id)
    enrolled = submit_form(sponsor.client, listing, {"site_id": str(sponsor.site_ids["101"]), "subject_key": "101-002"},
                           action=listing + "/enroll")
    assert enrolled.status_code == 409 and b"is frozen" in enrolled.data
