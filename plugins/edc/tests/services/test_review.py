"""Review and lock through the services: a lock at each level stops data entry and changes
nothing, reopening needs a reason, source data verification, the casebook signature going
stale, and who may do what."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from plugins.edc.models import FormInstance, ItemValue, Study, StudySite, Subject
from plugins.edc.services import entry, review
from plugins.edc.services.errors import EdcInputError, LockedError, NotAllowed
from plugins.edc.services.layout import field_name
from sdk import tool
from sdk.tool import host_runs_tool

EVENT, VITALS = "SE.event_1", "F.vitals"
COMPLETE_VITALS = {"visit_date": "2025-03-14", "weight": "70", "height": "175", "sbp": "120"}
COORDINATOR = ["view_study", "enter_data", "respond_queries"]
MONITOR = ["view_study", "manage_queries", "verify", "export"]


def name(item: str) -> str:
    return field_name("IG.vitals", 1, f"IT.{item}")


def acting(sponsor, support, user, fn, *args):
    """Call ``fn(session, *args)`` as edc's code in a request of ``user`` (signed in with an API
    token of the sponsor's organization), so ``tool().can`` answers for that person; commits."""
    token = support.issue_token(sponsor.org, user)
    path = f"/api/v1/o/{sponsor.org.slug}/edc/studies/{sponsor.study_id}/review"
    with sponsor.app.test_request_context(path, headers={"Authorization": f"Bearer {token}"}):
        sponsor.app.preprocess_request()
        with host_runs_tool("edc"):
            result = fn(tool().db_session(), *args)
            tool().db_session().commit()
            return result


def enrolled_with_vitals(sponsor, *, complete=True) -> tuple[int, int]:
    def make(session):
        study = session.get(Study, sponsor.study_id)
        subject = entry.enroll(study, session.get(StudySite, sponsor.site_ids["101"]), "101-001")
        saved = entry.save_form(study, subject, EVENT, VITALS, {name(k): v for k, v in COMPLETE_VITALS.items()},
                                complete=complete)
        return subject.id, saved.form.id
    return sponsor.run(make)


def step(sponsor, support, level, record_id, what, *args, user=None):
    model = {"study": Study, "subject": Subject, "form": FormInstance}[level]
    return acting(sponsor, support, user or sponsor.owner,
                  lambda session: getattr(review, what)(session.get(model, record_id), *args))


def save_weight(sponsor, subject_id, weight, reason="Transcription error"):
    def save(session):
        study, subject = session.get(Study, sponsor.study_id), session.get(Subject, subject_id)
        posted = {name(k): v for k, v in {**COMPLETE_VITALS, "weight": weight}.items()}
        return entry.save_form(study, subject, EVENT, VITALS, posted, reason=reason, complete=True).changed
    return sponsor.run(save)


def weight_of(sponsor, form_id):
    return sponsor.run(lambda session: session.scalar(select(ItemValue.value).where(
        ItemValue.form_id == form_id, ItemValue.item_oid == "IT.weight")))


@pytest.mark.parametrize("level", ["form", "subject", "study"])
@pytest.mark.parametrize("what", ["freeze", "lock"])
def test_a_lock_or_freeze_at_each_level_refuses_data_entry_and_changes_nothing(sponsor, support, level, what):
    subject_id, form_id = enrolled_with_vitals(sponsor)
    record_id = {"form": form_id, "subject": subject_id, "study": sponsor.study_id}[level]
    step(sponsor, support, level, record_id, what)
    with pytest.raises(LockedError):
        save_weight(sponsor, subject_id, "72")
    assert weight_of(sponsor, form_id) == "70"
    step(sponsor, support, level, record_id, "unlock" if what == "lock" else "unfreeze", "Query answered late")
    save_weight(sponsor, subject_id, "72")
    assert weight_of(sponsor, form_id) == "72", "reopened: the site corrects the data (BMI follows)"


def test_reopening_needs_a_reason_which_the_audit_trail_keeps(sponsor, support):
    subject_id, form_id = enrolled_with_vitals(sponsor)
    step(sponsor, support, "form", form_id, "lock")
    with pytest.raises(EdcInputError) as refused:
        step(sponsor, support, "form", form_id, "unlock", "  ")
    assert [field for field, _ in refused.value.items] == ["reason"]
    assert sponsor.run(lambda session: session.get(FormInstance, form_id).locked), "still locked"
    step(sponsor, support, "form", form_id, "unlock", "Site found the source note")

    def trail(session):
        return [(entry.changes, entry.reason) for entry in tool().audit.history(entity_type="form",
                                                                              entity_id=str(form_id))]
    entries = sponsor.run(trail)
    assert entries[-1][0]["locked"] == [True, False] and entries[-1][1] == "Site found the source note"


def test_illegal_steps_are_refused_as_conflicts(sponsor, support):
    subject_id, form_id = enrolled_with_vitals(sponsor)
    with pytest.raises(review.StateConflict):
        step(sponsor, support, "form", form_id, "unlock", "why not")
    step(sponsor, support, "subject", subject_id, "lock")
    with pytest.raises(review.StateConflict, match="unlock the subject first"):
        step(sponsor, support, "form", form_id, "freeze")
    with pytest.raises(review.StateConflict, match="locked already"):
        step(sponsor, support, "subject", subject_id, "lock")
    step(sponsor, support, "study", sponsor.study_id, "freeze")
    with pytest.raises(review.StateConflict, match="Unlock it instead"):
        step(sponsor, support, "subject", subject_id, "unfreeze", "x")
    step(sponsor, support, "study", sponsor.study_id, "lock")
    assert sponsor.run(lambda session: session.get(Study, sponsor.study_id).state) == "locked"
    with pytest.raises(review.StateConflict, match="unlock the study first"):
        step(sponsor, support, "subject", subject_id, "unlock", "x")


def test_source_data_verification_of_a_complete_form(sponsor, support, make_user, add_member):
    _, incomplete_id = enrolled_with_vitals(sponsor, complete=False)
    monitor = make_user("mona@cro.example.org", name="Mona Monitor")
    add_member(sponsor.org, monitor, permissions={"edc": MONITOR})
    with pytest.raises(review.StateConflict, match="not complete"):
        step(sponsor, support, "form", incomplete_id, "verify", user=monitor)
    sponsor.run(lambda session: setattr(session.get(FormInstance, incomplete_id), "state", "complete"))
    step(sponsor, support, "form", incomplete_id, "verify", user=monitor)
    verified = sponsor.run(lambda session: (session.get(FormInstance, incomplete_id).verified_at is not None,
                                            session.get(FormInstance, incomplete_id).verified_by_id))
    assert verified == (True, monitor.id)
    with pytest.raises(review.StateConflict, match="verified already"):
        step(sponsor, support, "form", incomplete_id, "verify", user=monitor)
    step(sponsor, support, "form", incomplete_id, "unverify", "Wrong source document", user=monitor)
    assert sponsor.run(lambda session: session.get(FormInstance, incomplete_id).verified_at) is None


def test_a_data_change_after_verification_clears_it(sponsor, support):
    subject_id, form_id = enrolled_with_vitals(sponsor)
    step(sponsor, support, "form", form_id, "verify")

    def changed(session):
        form = session.get(FormInstance, form_id)
        form.state = "complete"
        review.after_data_change(form)
        return form.verified_at
    assert sponsor.run(changed) is None


def test_a_site_coordinator_may_neither_lock_nor_verify(sponsor, support, make_user, add_member):
    subject_id, form_id = enrolled_with_vitals(sponsor)
    coordinator = make_user("cora@site.example.org", name="Cora Coordinator")
    add_member(sponsor.org, coordinator, permissions={"edc": COORDINATOR})
    for level, record_id, what in (("form", form_id, "verify"), ("form", form_id, "lock"),
                                   ("subject", subject_id, "freeze"), ("study", sponsor.study_id, "lock")):
        with pytest.raises(NotAllowed):
            step(sponsor, support, level, record_id, what, user=coordinator)
    state = sponsor.run(lambda session: (session.get(FormInstance, form_id).locked,
                                         session.get(FormInstance, form_id).verified_at,
                                         session.get(Subject, subject_id).frozen,
                                         session.get(Study, sponsor.study_id).state))
    assert state == (False, None, False, "open")


def test_a_monitor_verifies_but_may_not_lock(sponsor, support, make_user, add_member):
    _, form_id = enrolled_with_vitals(sponsor)
    monitor = make_user("mona@cro.example.org", name="Mona Monitor")
    add_member(sponsor.org, monitor, permissions={"edc": MONITOR})
    with pytest.raises(NotAllowed):
        step(sponsor, support, "form", form_id, "lock", user=monitor)
    step(sponsor, support, "form", form_id, "verify", user=monitor)


def test_saving_changed_data_clears_the_verification_and_makes_the_casebook_stale(sponsor, support):
    from sdk.testing import sign_record
    from sdk.testing.support import TEST_PASSWORD

    subject_id, form_id = enrolled_with_vitals(sponsor)
    step(sponsor, support, "form", form_id, "verify")
    page = f"/o/{sponsor.org.slug}/edc/studies/{sponsor.study_id}/subjects/{subject_id}/casebook"
    sign_record(sponsor.client, page, {"meaning": "approved", "email": sponsor.owner.email,
                                       "password": TEST_PASSWORD})
    save_weight(sponsor, subject_id, "72")
    assert sponsor.run(lambda session: session.get(FormInstance, form_id).verified_at) is None
    assert signature_state(sponsor, subject_id) == "stale"


def signature_state(sponsor, subject_id) -> str:
    return sponsor.run(lambda session: review.casebook_signature(session.get(Subject, subject_id)))


@pytest.mark.parametrize("level", ["form", "subject", "study"])
def test_the_casebook_signature_goes_stale_when_anything_in_it_is_unlocked(sponsor, support, level):
    from sdk.testing import sign_record
    from sdk.testing.support import TEST_PASSWORD

    subject_id, form_id = enrolled_with_vitals(sponsor)
    record_id = {"form": form_id, "subject": subject_id, "study": sponsor.study_id}[level]
    step(sponsor, support, level, record_id, "lock")
    page = f"/o/{sponsor.org.slug}/edc/studies/{sponsor.study_id}/subjects/{subject_id}/casebook"
    signed = sign_record(sponsor.client, page, {"meaning": "approved", "email": sponsor.owner.email,
                                                "password": TEST_PASSWORD})
    assert "Signed by Olivia Owner, meaning: Approved." in signed.get_data(as_text=True)
    assert signature_state(sponsor, subject_id) == "signed"
    step(sponsor, support, level, record_id, "unlock", "Late lab result")
    assert signature_state(sponsor, subject_id) == "stale"
    assert "stale" in sponsor.client.get(page).get_data(as_text=True).lower()


def test_locking_after_signing_keeps_the_casebook_signature(sponsor, support):
    from sdk.testing import sign_record
    from sdk.testing.support import TEST_PASSWORD

    subject_id, _ = enrolled_with_vitals(sponsor)
    page = f"/o/{sponsor.org.slug}/edc/studies/{sponsor.study_id}/subjects/{subject_id}/casebook"
    sign_record(sponsor.client, page, {"meaning": "approved", "email": sponsor.owner.email,
                                       "password": TEST_PASSWORD})
    step(sponsor, support, "subject", subject_id, "lock")
    assert signature_state(sponsor, subject_id) == "signed"
