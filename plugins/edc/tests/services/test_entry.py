"""Entering data through the services: edit checks, calculations, branching, reasons for change,
locks, and the version a form keeps."""
import pytest
from sqlalchemy import select

from plugins.edc.models import FormInstance, ItemValue, Study, StudySite, Subject
from plugins.edc.services import entry, studies
from plugins.edc.services.errors import EdcInputError, LockedError
from plugins.edc.services.layout import field_name

from ..conftest import DICTIONARY

EVENT, VITALS = "SE.event_1", "F.vitals"


def name(item: str, form: str = "vitals") -> str:
    return field_name(f"IG.{form}", 1, f"IT.{item}")


def _setup(sponsor):
    def enroll(session):
        study = session.get(Study, sponsor.study_id)
        return entry.enroll(study, session.get(StudySite, sponsor.site_ids["101"]), "101-001").id
    return sponsor.run(enroll)


def save(sponsor, subject_id, posted, **kwargs):
    def _save(session):
        study, subject = session.get(Study, sponsor.study_id), session.get(Subject, subject_id)
        result = entry.save_form(study, subject, EVENT, VITALS, posted, **kwargs)
        return result.changed, result.warnings, result.form.id
    return sponsor.run(_save)


def values(sponsor, form_id):
    return sponsor.run(lambda session: {row.item_oid: (row.value, row.null_flavour) for row in
                                        session.scalars(select(ItemValue).where(ItemValue.form_id == form_id))})


def test_a_form_saves_with_its_calculation_and_a_soft_check_comes_back_as_a_warning(sponsor):
    subject_id = _setup(sponsor)
    changed, warnings, form_id = save(sponsor, subject_id, {
        name("visit_date"): "2025-03-14", name("weight"): "70", name("height"): "175", name("sbp"): "230"})
    stored = values(sponsor, form_id)
    assert stored["IT.bmi"] == ("22.9", None), "round([weight]*10000/([height]*[height]),1) at 70 kg and 175 cm"
    assert stored["IT.visit_date"][0] == "2025-03-14"
    assert [field for field, _ in warnings] == [name("sbp")] and "220" in warnings[0][1]
    assert "IT.dbp" not in stored and changed == 5


def test_hard_problems_refuse_the_whole_form_and_name_every_field(sponsor):
    subject_id = _setup(sponsor)
    with pytest.raises(EdcInputError) as refused:
        save(sponsor, subject_id, {name("weight"): "heavy", name("height"): "1.75", name("smoker"): "7"})
    assert {field for field, _ in refused.value.items} == {name("weight"), name("height"), name("smoker")}
    assert sponsor.run(lambda session: session.scalar(select(FormInstance.id))) is None, "nothing was written"


def test_a_change_after_the_first_save_needs_a_reason_and_keeps_the_version(sponsor):
    subject_id = _setup(sponsor)
    _, _, form_id = save(sponsor, subject_id, {name("weight"): "70", name("height"): "175"})
    with pytest.raises(EdcInputError) as refused:
        save(sponsor, subject_id, {name("weight"): "72", name("height"): "175"})
    assert [field for field, _ in refused.value.items] == ["reason"]
    save(sponsor, subject_id, {name("weight"): "72", name("height"): "175"}, reason="Transcription error")
    assert values(sponsor, form_id)["IT.weight"] == ("72", None)
    def new_version(session):
        study = session.get(Study, sponsor.study_id)
        newer = studies.import_definition(study, DICTIONARY.replace(b'"Weight (kg)"', b'"Body weight (kg)"'),
                                          "dictionary")
        studies.publish(newer)
        return newer.number, session.get(FormInstance, form_id).version.number
    assert sponsor.run(new_version) == (2, 1), "the form keeps the version it was entered under"


def test_hidden_items_are_not_saved_and_locked_forms_refuse(sponsor):
    subject_id = _setup(sponsor)
    _, _, form_id = save(sponsor, subject_id, {name("smoker"): "0", name("cig_per_day"): "20"})
    assert "IT.cig_per_day" not in values(sponsor, form_id), "shown only for current smokers"
    sponsor.run(lambda session: setattr(session.get(FormInstance, form_id), "locked", True))
    with pytest.raises(LockedError):
        save(sponsor, subject_id, {name("smoker"): "2"}, reason="x")


def test_a_null_flavour_is_stored_instead_of_a_value(sponsor):
    subject_id = _setup(sponsor)
    _, _, form_id = save(sponsor, subject_id, {name("weight"): "", f"{name('weight')}__null": "ND"})
    assert values(sponsor, form_id)["IT.weight"] == (None, "ND")


def test_the_demo_study_loads_with_its_subjects_and_a_query(app, make_user, make_org, grant_license):
    from plugins.edc.models import Query
    from plugins.edc.services.demo import load_demo_study
    from sdk import org_scope, tool
    from sdk.tool import host_runs_tool

    org = make_org("northwind", owner=make_user("maria@northwind.example.org"))
    grant_license(org, "edc", enable=True)
    with app.test_request_context(), org_scope(org.id), host_runs_tool("edc"):
        study = load_demo_study("sponsor")
        tool().db_session().commit()
        session = tool().db_session()
        subjects = session.scalars(select(Subject).where(Subject.study_id == study.id)).all()
        queries = session.scalars(select(Query).where(Query.study_id == study.id)).all()
        assert sorted(s.subject_key for s in subjects) == ["101-001", "101-002", "102-001"]
        assert len(queries) == 1 and queries[0].item_oid == "IT.sbp"
        assert load_demo_study("site") is None


def test_enrolling_and_completing_a_form_announce_it_through_the_outbox(sponsor, support):
    import json

    from sqlalchemy import text

    subject_id = _setup(sponsor)
    save(sponsor, subject_id, {name("weight"): "70", name("height"): "175"})
    save(sponsor, subject_id, {name("weight"): "70", name("height"): "175"}, complete=True)
    save(sponsor, subject_id, {name("weight"): "70", name("height"): "175"}, complete=True)

    def emitted(session):
        return [(row.name, row.payload) for row in session.execute(text("SELECT name, payload FROM outbox_event"))]
    events = {}
    for event_name, payload in sponsor.run(emitted):
        if event_name.startswith("edc."):
            events.setdefault(event_name, []).append(json.loads(payload) if isinstance(payload, str) else payload)
    assert {key: len(found) for key, found in events.items()} == {"edc.subject_enrolled": 1, "edc.form_completed": 1}, \
        "completing a form twice announces it once"
    (enrolled,), (completed,) = events["edc.subject_enrolled"], events["edc.form_completed"]
    assert enrolled["trial_ref"] == "HF-301" and enrolled["subject_ref"] == "101-001"
    assert completed["form_ref"] == "F.vitals" and completed["data_points"] == 3  # weight, height, BMI
