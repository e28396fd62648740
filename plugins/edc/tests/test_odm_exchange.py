"""ODM in and out: every public fixture imports into a fresh study, the export describes the same
study and values, import -> export -> import -> export is stable, OIDs are unique and resolve,
the Transactional export carries a reason on every change, CSV per form, bad files refused."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from plugins.edc.domain.odm import canonical, check_references, read_odm
from plugins.edc.models import ItemValue, Study, StudySite, Subject
from plugins.edc.services import entry, exports, exports_csv, studies
from plugins.edc.services.clinical_import import import_clinical_data
from plugins.edc.services.errors import EdcInputError
from plugins.edc.services.layout import field_name

FIXTURES = Path(__file__).parent / "fixtures" / "odm"
FILES = sorted(p.name for p in FIXTURES.glob("*.xml"))
NOW = "2026-01-01T00:00:00+00:00"


def _fresh(session, oid: str, *, site: str | None = "S1") -> Study:
    study = studies.create_study({"name": f"Imported {oid}", "oid": oid})
    if site:
        studies.add_site(study, {"code": site, "name": f"Site {site}"})
    return study


def import_into(sponsor, oid: str, data: bytes, *, org=None, site="S1", **options):
    def run(session):
        study = _fresh(session, oid, site=site)
        outcome = import_clinical_data(study, data, filename="file.xml", **options)
        return study.id, outcome
    return sponsor.run(run, org=org)


def export(sponsor, study_id: int, kind: str = "snapshot", *, org=None) -> bytes:
    writer = exports.odm_snapshot if kind == "snapshot" else exports.odm_transactional
    return sponsor.run(lambda session: writer(session.get(Study, study_id)), org=org)


def values_of(odm) -> dict:
    """(subject, event, repeat, form, repeat, group, repeat, item) -> (value, is null)"""
    found = {}
    for block in odm.clinical_data:
        for s in block.subjects:
            for e in s.events:
                for f in e.forms:
                    for g in f.groups:
                        for i in g.items:
                            found[(s.subject_key, e.study_event_oid, e.repeat_key or "1", f.form_oid,
                                   f.repeat_key or "1", g.item_group_oid, g.repeat_key or "1", i.item_oid)] = (
                                i.value, i.is_null)
    return found


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_imports_and_the_export_describes_the_same_study_and_values(sponsor, name):
    data = (FIXTURES / name).read_bytes()
    source = read_odm(data)
    study_id, outcome = import_into(sponsor, "IMP1", data)
    exported = read_odm(export(sponsor, study_id), strict=True)
    assert values_of(exported) == values_of(source)
    assert {b.metadata_version_oid for b in exported.clinical_data} == {
        b.metadata_version_oid for b in source.clinical_data}
    for study in source.studies:
        for version in study.versions:
            mine = exported.studies[0].version(version.oid)
            assert mine is not None
            assert [f.oid for f in mine.forms] == [f.oid for f in version.forms]
            assert [i.oid for i in mine.items] == [i.oid for i in version.items]
            assert [(i.data_type, i.question) for i in mine.items] == [(i.data_type, i.question) for i in version.items]
    assert outcome.values_created == len(values_of(source))


@pytest.mark.parametrize("name", FILES)
def test_import_export_import_export_gives_the_same_canonical_document(sponsor, make_org, name):
    other = make_org("beta-pharma", owner=sponsor.owner, name="Beta Pharma")
    data = (FIXTURES / name).read_bytes()
    first_id, _ = import_into(sponsor, "RT", data)
    first = export(sponsor, first_id)
    second_id, _ = import_into(sponsor, "RT", first, org=other, site=None, create_sites=True)
    second = export(sponsor, second_id, org=other)
    assert canonical(first) == canonical(second)
    odm = read_odm(second, strict=True)
    for study in odm.studies:
        for version in study.versions:
            assert check_references(version) == []
    oids = [v.oid for s in odm.studies for v in s.versions]
    assert len(oids) == len(set(oids))


def _enter(sponsor, study_id=None):
    def run(session):
        study = session.get(Study, study_id or sponsor.study_id)
        site = session.scalar(select(StudySite).where(StudySite.study_id == study.id, StudySite.code == "101"))
        subject = entry.enroll(study, site, "101-001")
        fields = {field_name("IG.vitals", 1, "IT.weight"): "70", field_name("IG.vitals", 1, "IT.height"): "175"}
        entry.save_form(study, subject, "SE.event_1", "F.vitals", fields)
        return subject.id
    subject_id = sponsor.run(run)

    def change(session):
        study, subject = session.get(Study, sponsor.study_id), session.get(Subject, subject_id)
        entry.save_form(study, subject, "SE.event_1", "F.vitals",
                        {field_name("IG.vitals", 1, "IT.weight"): "72", field_name("IG.vitals", 1, "IT.height"): ""},
                        reason="Transcription error")
    sponsor.run(change)
    return subject_id


def test_the_transactional_export_carries_a_reason_on_every_changed_item(sponsor):
    _enter(sponsor)
    odm = read_odm(export(sponsor, sponsor.study_id, "transactional"))
    items = [i for c in odm.clinical_data for s in c.subjects for e in s.events for f in e.forms
             for g in f.groups for i in g.items]
    kinds = [(i.item_oid, i.transaction_type, i.value) for i in items]
    assert ("IT.weight", "Insert", "70") in kinds and ("IT.weight", "Update", "72") in kinds
    assert ("IT.height", "Remove", None) in kinds
    changed = [i for i in items if i.transaction_type in ("Update", "Remove")]
    assert changed and all(i.audit.reason == "Transcription error" for i in changed)
    assert all(i.audit is not None and i.audit.location_oid == "SITE.101" for i in items)
    assert {u.oid for u in odm.admin_data.users} >= {i.audit.user_oid for i in items}


def test_a_transactional_export_of_imported_data_names_the_import(sponsor):
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes()
    study_id, _ = import_into(sponsor, "TX", data)
    odm = read_odm(export(sponsor, study_id, "transactional"))
    items = [i for c in odm.clinical_data for s in c.subjects for e in s.events for f in e.forms
             for g in f.groups for i in g.items]
    assert len(items) == 10 and all(i.transaction_type == "Insert" for i in items)
    assert all(i.audit.reason == "Imported from file.xml" for i in items)


def test_the_csv_per_form_has_a_column_per_checkbox_code(sponsor):
    _enter(sponsor)
    header, rows = sponsor.run(lambda session: exports_csv.form_csv(session.get(Study, sponsor.study_id), "F.vitals"))
    assert header[:6] == exports_csv.KEY_COLUMNS and "weight" in header
    assert rows[0][:3] == ["101-001", "101", "SE.event_1"] and rows[0][header.index("weight")] == "72"
    header, _ = sponsor.run(lambda session: exports_csv.form_csv(session.get(Study, sponsor.study_id), "F.enrolment"))
    assert any("___" in column for column in header), "a checkbox item becomes var___code columns"


XXE = b"""<?xml version="1.0"?><!DOCTYPE ODM [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" FileType="Snapshot" CreationDateTime="2020-01-01T00:00:00">
<ClinicalData StudyOID="S" MetaDataVersionOID="V"><SubjectData SubjectKey="&x;"/></ClinicalData></ODM>"""


@pytest.mark.parametrize("data", [XXE, b"<ODM", b"not xml at all"])
def test_a_malformed_or_unsafe_file_is_refused_and_nothing_is_written(sponsor, data):
    with pytest.raises(EdcInputError) as refused:
        import_into(sponsor, "BAD", data)
    assert refused.value.messages
    assert sponsor.run(lambda session: session.scalar(select(func.count(ItemValue.id)))) == 0


def test_a_file_with_problems_names_every_one_and_writes_nothing(sponsor):
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes()
    import_into(sponsor, "TWICE", data)
    before = sponsor.run(lambda session: session.scalar(select(func.count(ItemValue.id))))

    def again(session):
        study = session.scalar(select(Study).where(Study.oid == "TWICE"))
        import_clinical_data(study, data.replace(b'StudyEventOID="Screen"', b'StudyEventOID="Nope"'),
                             filename="again.xml")
    with pytest.raises(EdcInputError) as refused:
        sponsor.run(again)
    text = " ".join(refused.value.messages)
    assert "Insert" in text and "Nope" in text
    assert sponsor.run(lambda session: session.scalar(select(func.count(ItemValue.id)))) == before


def test_updates_change_stored_values_with_the_files_reason(sponsor):
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes()
    study_id, _ = import_into(sponsor, "UPD", data)
    update = data.replace(b'TransactionType="Insert"', b'TransactionType="Update"').replace(
        b'Value="Fever"', b'Value="High fever"')

    def again(session):
        return import_clinical_data(session.get(Study, study_id), update, filename="fix.xml")
    outcome = sponsor.run(again)
    assert outcome.values_changed == 1 and outcome.values_created == 0
    odm = read_odm(export(sponsor, study_id, "transactional"))
    updates = [i for c in odm.clinical_data for s in c.subjects for e in s.events for f in e.forms
               for g in f.groups for i in g.items if i.transaction_type == "Update"]
    assert [(i.value, i.audit.reason) for i in updates] == [("High fever", "Imported from fix.xml")]


def test_subjects_without_a_site_need_one_chosen(sponsor):
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes()
    with pytest.raises(EdcInputError) as refused:
        import_into(sponsor, "NOSITE", data, site=None)
    assert "choose the site" in str(refused.value)


def test_remove_clears_a_value_and_upsert_adds_or_changes(sponsor):
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes()
    study_id, _ = import_into(sponsor, "REM", data)
    change = (data.replace(b'TransactionType="Insert"', b'TransactionType="Update"')
              .replace(b'<ItemData ItemOID="SEX" Value="F" />', b'<ItemData ItemOID="SEX" TransactionType="Remove" />')
              .replace(b'<ItemData ItemOID="AETERM" Value="Fever" />',
                       b'<ItemData ItemOID="AETERM" Value="Chills" TransactionType="Upsert" />'
                       b'<ItemData ItemOID="AESEV" Value="MILD" TransactionType="Upsert" />'))
    with pytest.raises(EdcInputError) as refused:   # AESEV is in no version of the study
        sponsor.run(lambda session: import_clinical_data(session.get(Study, study_id), change, filename="fix.xml"))
    assert "AESEV" in str(refused.value)
    change = change.replace(b'<ItemData ItemOID="AESEV" Value="MILD" TransactionType="Upsert" />', b"")
    outcome = sponsor.run(lambda session: import_clinical_data(session.get(Study, study_id), change,
                                                               filename="fix.xml"))
    assert (outcome.values_removed, outcome.values_changed, outcome.values_created) == (1, 1, 0)
    odm = read_odm(export(sponsor, study_id, "transactional"))
    items = [i for c in odm.clinical_data for s in c.subjects for e in s.events for f in e.forms
             for g in f.groups for i in g.items]
    assert [(i.item_oid, i.transaction_type) for i in items if i.transaction_type != "Insert"] == [
        ("SEX", "Remove"), ("AETERM", "Update")]
    assert "SEX" not in {key[-1] for key in values_of(read_odm(export(sponsor, study_id)))}


def test_an_unknown_site_is_refused_unless_sites_may_be_created(sponsor):
    data = (FIXTURES / "test_clinical_data_01.xml").read_bytes().replace(
        b'<SubjectData SubjectKey="1000" TransactionType="Insert">',
        b'<SubjectData SubjectKey="1000" TransactionType="Insert"><SiteRef LocationOID="LOC.9"/>')
    with pytest.raises(EdcInputError) as refused:
        import_into(sponsor, "SITES", data)
    assert "site 'LOC.9' is not one of the study's sites" in str(refused.value)
    study_id, outcome = import_into(sponsor, "SITES", data, create_sites=True)
    assert outcome.sites_created == ["LOC.9"]


def test_a_definition_with_unresolved_codelist_references_imports_with_notes(sponsor):
    study_id, outcome = import_into(sponsor, "CDASH", (FIXTURES / "cdash-odm-test.xml").read_bytes())
    assert outcome.versions_created == ["MDV.TRACE-XML-ODM-01"]
    assert any("CL.SEX" in note for note in outcome.notes) and len(outcome.notes) == 3


def test_a_transactional_export_imports_into_another_study_with_the_same_values(sponsor, make_org):
    _enter(sponsor)
    other = make_org("beta-pharma", owner=sponsor.owner, name="Beta Pharma")
    study_id, _ = import_into(sponsor, "HF301", export(sponsor, sponsor.study_id, "transactional"), org=other,
                              site=None, create_sites=True)
    assert values_of(read_odm(export(sponsor, study_id, org=other))) == values_of(
        read_odm(export(sponsor, sponsor.study_id)))
