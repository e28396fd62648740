"""CDISC ODM 1.3.2: every fixture reads, round trips, the extension, variables and OID checks."""
from __future__ import annotations

import io
from dataclasses import replace

import pytest
from defusedxml.ElementTree import fromstring

from plugins.edc.domain.metadata import ItemDef
from plugins.edc.domain.odm import (
    TO_NS,
    OdmError,
    canonical,
    check_clinical_data,
    check_references,
    derive_variable,
    read_odm,
    write_odm,
    write_odm_file,
)

from .odm_samples import CDASH_DANGLING, NAMES, NS, SMALL, fixture, rewrite


# -- every fixture reads; round trips -------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_fixture_reads(name):
    odm = read_odm(fixture(name))
    assert odm.file_type == "Snapshot"
    assert odm.studies or odm.clinical_data


def test_fixtures_are_fully_mapped_and_unmapped_elements_are_counted():
    for name in NAMES:
        assert read_odm(fixture(name)).unmapped == (), name
    data = SMALL.replace('<SiteRef LocationOID="L.1"/>',
                         '<SiteRef LocationOID="L.1"/><Annotation SeqNum="1"/>'
                         '<oc:Note xmlns:oc="http://example.org/oc"/>')
    assert read_odm(data.encode()).unmapped == (("Annotation", 1), ("{http://example.org/oc}Note", 1))


def test_fixture_contents_as_expected():
    snap = read_odm(io.BytesIO(fixture("odm-data-snapshot.xml")))  # a file object works too
    version = snap.studies[0].versions[0]
    assert len(version.items) == 52 and len(version.units) == 7
    assert sum(len(g.items) for c in snap.clinical_data for s in c.subjects for e in s.events
               for f in e.forms for g in f.groups) == 165
    assert version.item("IT.AGEU").unit_oids == ("MU.YEARS",)
    assert version.item("IT.AGE").data_type == "text" and version.item("IT.AGE").extra["DataType"] == "string"
    assert version.item_group("IG.AE").extra == {"Origin": "AE Origin"}
    assert snap.admin_data.users[0].extra == {"UserType": "Other"}
    assert snap.admin_data.locations[0].metadata_version_oid == "v1.0.0"
    two = read_odm(fixture("test_clinical_data_01.xml"))
    assert [c.metadata_version_oid for c in two.clinical_data] == ["101.01", "101.02"]
    assert two.clinical_data[0].subjects[0].transaction_type == "Insert"


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_is_canonically_stable(name):
    first = rewrite(fixture(name))
    second = rewrite(first)
    assert canonical(first) == canonical(second)
    assert first == second  # the writer is deterministic, too


def _summary(data: bytes) -> dict:
    """What a document says, read straight from the XML (not through the reader)."""
    root = fromstring(data)
    out: dict = {}
    for tag in ("StudyEventDef", "FormDef", "ItemGroupDef", "ItemDef", "CodeList", "MeasurementUnit",
                "ConditionDef", "MethodDef"):
        out[tag] = sorted(tuple(sorted((k, v) for k, v in e.attrib.items() if TO_NS not in k))
                          for e in root.iterfind(f".//o:{tag}", NS))
    out["refs"] = sorted((parent.get("OID"), tuple(sorted(ref.attrib.items())))
                         for parent in root.iter() for ref in parent
                         if ref.tag.endswith(("Ref", "}ItemRef")) and parent.get("OID"))
    out["texts"] = sorted((p.get("OID") or p.get("CodedValue") or "", t.text or "")
                          for p in root.iter() for t in p.iterfind(".//o:TranslatedText", NS))
    out["codes"] = sorted((cl.get("OID"), i.get("CodedValue"),
                           i.findtext("o:Decode/o:TranslatedText", "", NS))
                          for cl in root.iterfind(".//o:CodeList", NS) for i in cl)
    out["aliases"] = sorted((p.get("OID") or p.get("CodedValue"), a.get("Context"), a.get("Name"))
                            for p in root.iter() for a in p.iterfind("o:Alias", NS))
    out["values"] = [(s.get("SubjectKey"), e.get("StudyEventOID"), e.get("StudyEventRepeatKey"),
                      f.get("FormOID"), f.get("FormRepeatKey"), g.get("ItemGroupOID"),
                      g.get("ItemGroupRepeatKey"), i.get("ItemOID"),
                      i.get("Value") if i.tag.endswith("}ItemData") else i.text, i.get("IsNull"))
                     for s in root.iterfind(".//o:SubjectData", NS)
                     for e in s.iterfind("o:StudyEventData", NS)
                     for f in e.iterfind("o:FormData", NS) for g in f.iterfind("o:ItemGroupData", NS)
                     for i in g if "}ItemData" in i.tag]
    return out


@pytest.mark.parametrize("name", NAMES)
def test_export_describes_the_same_study_and_values(name):
    original = fixture(name)
    written = rewrite(original)
    expected, got = _summary(original), _summary(written)
    for key in expected:
        assert got[key] == expected[key], key
    # and through the model: the re-read file is the same study with the same data
    assert read_odm(written) == read_odm(original)


def test_small_file_round_trips_through_the_model():
    odm = read_odm(SMALL.encode())
    written = write_odm_file(odm)
    again = read_odm(written)
    assert again == odm
    assert _summary(written)["values"] == _summary(SMALL.encode())["values"]
    version = again.studies[0].versions[0]
    weight = version.item("IT.WEIGHT")
    assert weight.question.texts == (("en", "Weight?"), ("de", "Gewicht?"))
    assert [(r.comparator, r.soft_hard, r.values) for r in weight.range_checks] == [
        ("GE", "Soft", ("20",)), ("IN", "Hard", ("1", "2"))]
    assert weight.range_checks[0].message.text == "Too light" and weight.aliases[0].name == "VSORRES"
    assert version.item("IT.BMI").data_type == "float" and b'DataType="double"' in written
    assert version.method("MT.BMI").expression == "[weight]*10000/([height]*[height])"
    assert version.condition("C.NOH").context == "REDCap"
    ref = version.item_group("IG.VS").item_refs[2]
    assert (ref.method_oid, ref.collection_exception_oid) == ("MT.BMI", "C.NOH")
    assert version.codelist("CL.ENUM").enumerated and version.codelist("CL.ENUM").data_type == "text"
    assert b'<CodeList DataType="string"' in written and b"<EnumeratedItem" in written
    items = again.clinical_data[0].subjects[0].events[0].forms[0].groups[0].items
    assert items[0].unit_oid == "MU.KG"
    assert (items[1].is_null, items[1].null_flavour) == (True, "NASK")
    assert items[2].value == "A"                        # typed ItemDataString is read as a value
    assert again.clinical_data[0].subjects[0].site_oid == "L.1"
    assert again.admin_data.locations[0].extra["EffectiveDate"] == "2026-01-01"


# -- the Trial Office extension and variables -----------------------------------------------------
def test_vendor_extension_is_read_and_written():
    version = read_odm(SMALL.encode()).studies[0].versions[0]
    sym = version.item("IT.SYMPT")
    assert (sym.control, sym.variable, sym.note, sym.section_header, sym.identifier, sym.pattern) == (
        "checkbox", "symptoms", "Tick all", "Symptoms", True, "^[0-9]+$")
    assert version.item("IT.NOTE").control == "dropdown"   # coded, no to:Control
    assert version.item("IT.HEIGHT").control == "input"
    changed = replace(version, items=tuple(replace(i, control="radio") if i.oid == "IT.NOTE" else i
                                           for i in version.items))
    study = replace(read_odm(SMALL.encode()).studies[0], versions=(changed,))
    data = write_odm(file_oid="F", creation_datetime="2026-01-01T00:00:00", studies=[study])
    assert b'to:Control="radio"' in data and b'xmlns:to="https://trialoffice.example/odm/1"' in data
    assert read_odm(data).studies[0].versions[0].item("IT.NOTE").control == "radio"


def test_variables_are_derived_and_unique():
    version = read_odm(SMALL.encode()).studies[0].versions[0]
    assert version.item("IT.WEIGHT").variable == "weight"        # SASFieldName
    assert version.item("IT.HEIGHT").variable == "height"        # OID's last part
    cdash = read_odm(fixture("cdash-odm-test.xml")).studies[0].versions[0]
    variables = [i.variable for i in cdash.items]
    assert len(set(variables)) == len(variables) and all(v.isidentifier() for v in variables)
    assert cdash.item("ODM.IT.VS.HEIGHT.VSORRES").variable == "vsorres"
    assert cdash.item("ODM.IT.VS.WEIGHT.VSORRES").variable == "vsorres_2"
    assert derive_variable(ItemDef("IT.1-h b", "n")) == "v_1_h_b"
    assert derive_variable(ItemDef("IT.X", "n", sas_field_name="AGE")) == "age"


def test_plain_odm_export_without_the_extension():
    odm = read_odm(SMALL.encode())
    plain = write_odm_file(odm, extensions=False)
    assert b"to:" not in plain and b"trialoffice" not in plain
    version = read_odm(plain).studies[0].versions[0]
    assert version.item("IT.SYMPT").control == "dropdown" and version.item("IT.SYMPT").variable == "sympt"
    assert version.item("IT.WEIGHT") == odm.studies[0].versions[0].item("IT.WEIGHT")


# -- OID checks -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_fixture_oids_are_unique_and_references_resolve(name):
    odm = read_odm(fixture(name))
    problems = [p for s in odm.studies for v in s.versions for p in check_references(v)]
    assert not any("not unique" in p for p in problems)
    dangling = {(p.split("'")[1], p.split("'")[-2]) for p in problems}
    assert dangling == (CDASH_DANGLING if name.startswith("cdash") else set())
    assert len(odm.reference_problems) == len(problems)
    for data in odm.clinical_data:
        version = odm.version(data.study_oid, data.metadata_version_oid)
        assert version is None or check_clinical_data(data, version) == []


def test_a_broken_reference_is_reported_with_its_element():
    data = fixture("odm-data-snapshot.xml").replace(b'ItemGroupOID="IG.DS" OrderNumber="3"',
                                                   b'ItemGroupOID="IG.X" OrderNumber="3"')
    data = data.replace(b'<CodeListRef CodeListOID="CL.SEX"/>', b'<CodeListRef CodeListOID="CL.NOPE"/>')
    assert len(read_odm(data).reference_problems) == 2          # accepted, problems listed
    with pytest.raises(OdmError) as err:
        read_odm(data, strict=True)
    problems = err.value.problems
    assert len(problems) == 2                                   # all of them, raised once
    assert problems[0].startswith("FormDef 'DS' (line ") and problems[0].endswith(
        ": ItemGroupRef to unknown ItemGroupOID 'IG.X'")
    assert "ItemDef 'IT.SEX'" in problems[1] and "CodeListRef to unknown CodeListOID 'CL.NOPE'" in problems[1]


def test_duplicates_and_every_kind_of_reference_are_checked():
    bad = (SMALL.replace('OID="IT.HEIGHT" Name="Height"', 'OID="IT.WEIGHT" Name="Height"')
           .replace('MethodOID="MT.BMI"', 'MethodOID="MT.X"')
           .replace('CollectionExceptionConditionOID="C.NOH"', 'CollectionExceptionConditionOID="C.X"')
           .replace('<MeasurementUnitRef MeasurementUnitOID="MU.KG"/>\n        <RangeCheck',
                    '<MeasurementUnitRef MeasurementUnitOID="MU.X"/>\n        <RangeCheck')
           .replace('<FormRef FormOID="F.VS"', '<FormRef FormOID="F.X"')
           .replace('<StudyEventRef StudyEventOID="SE.BASE"', '<StudyEventRef StudyEventOID="SE.X"'))
    with pytest.raises(OdmError) as err:
        read_odm(bad.encode(), strict=True)
    text = "\n".join(err.value.problems)
    for expected in ("ItemDef 'IT.WEIGHT' (line", "OID is not unique", "StudyEventOID 'SE.X'",
                     "FormOID 'F.X'",
                     "MethodOID 'MT.X'", "CollectionExceptionConditionOID 'C.X'", "MeasurementUnitOID 'MU.X'",
                     "ItemRef to unknown ItemOID 'IT.HEIGHT'"):
        assert expected in text
    assert "unknown ItemOID 'IT.HEIGHT'" in "\n".join(read_odm(bad.encode()).reference_problems)


def test_writer_refuses_a_broken_version_unless_told():
    odm = read_odm(fixture("cdash-odm-test.xml"))
    message = r"ItemDef 'ODM.IT.DM.SEX': CodeListRef to unknown CodeListOID 'CL.SEX'"
    with pytest.raises(OdmError, match=message):
        write_odm_file(odm)
    assert write_odm_file(odm, check=False)


