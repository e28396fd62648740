"""CDISC ODM 1.3.2 read, write and canonical comparison (plugins/edc/domain/odm)."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from plugins.edc.domain.clinical import (
    AdminData,
    AuditRecord,
    ClinicalData,
    FormData,
    ItemData,
    ItemGroupData,
    Location,
    StudyEventData,
    SubjectData,
    User,
)
from plugins.edc.domain.metadata import ItemDef
from plugins.edc.domain.odm import (
    ODM_NS,
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

#: the public CDISC ODM fixtures (odmlib, MIT), copied unchanged into the repository
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "odm"
NAMES = ["cdash-odm-test.xml", "cdash_odm_test_roundtrip.xml", "odm-data-snapshot.xml",
         "test_clinical_data_01.xml"]
NS = {"o": ODM_NS}
#: odmlib's own checker finds these in both CDASH files: the ItemDefs name 'CL.SEX' etc. but the
#: code lists are 'ODM.CL.SEX' etc.
CDASH_DANGLING = {("ODM.IT.DM.SEX", "CL.SEX"), ("ODM.IT.DM.ETHNIC", "CL.ETHNIC.SUBSET.ETHNIC"),
                  ("ODM.IT.DM.RACE", "CL.RACE")}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rewrite(data: bytes) -> bytes:
    return write_odm_file(read_odm(data), check=False)


# -- a small hand-written file using what the fixtures do not --------------------------------------
SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:to="https://trialoffice.example/odm/1"
     FileOID="F.1" FileType="Snapshot" CreationDateTime="2026-01-02T03:04:05" ODMVersion="1.3.2">
  <Study OID="S.1">
    <GlobalVariables><StudyName>Small</StudyName><StudyDescription>d</StudyDescription>
      <ProtocolName>P-1</ProtocolName></GlobalVariables>
    <BasicDefinitions>
      <MeasurementUnit OID="MU.KG" Name="kg"><Symbol><TranslatedText>kg</TranslatedText></Symbol></MeasurementUnit>
    </BasicDefinitions>
    <MetaDataVersion OID="V.1" Name="v1">
      <Protocol><StudyEventRef StudyEventOID="SE.BASE" Mandatory="Yes" OrderNumber="1"/></Protocol>
      <StudyEventDef OID="SE.BASE" Name="Baseline" Repeating="No" Type="Scheduled">
        <FormRef FormOID="F.VS" Mandatory="Yes"/></StudyEventDef>
      <FormDef OID="F.VS" Name="Vitals" Repeating="No">
        <ItemGroupRef ItemGroupOID="IG.VS" Mandatory="Yes"/></FormDef>
      <ItemGroupDef OID="IG.VS" Name="Vitals" Repeating="Yes" Comment="kept">
        <ItemRef ItemOID="IT.WEIGHT" Mandatory="Yes" OrderNumber="1"/>
        <ItemRef ItemOID="IT.HEIGHT" Mandatory="No" OrderNumber="2"/>
        <ItemRef ItemOID="IT.BMI" Mandatory="No" MethodOID="MT.BMI" CollectionExceptionConditionOID="C.NOH"/>
        <ItemRef ItemOID="IT.SYMPT" Mandatory="No"/>
        <ItemRef ItemOID="IT.NOTE" Mandatory="No"/>
      </ItemGroupDef>
      <ItemDef OID="IT.WEIGHT" Name="Weight" DataType="float" SignificantDigits="1" Length="5" SASFieldName="WEIGHT">
        <Question><TranslatedText xml:lang="en">Weight?</TranslatedText>
          <TranslatedText xml:lang="de">Gewicht?</TranslatedText></Question>
        <MeasurementUnitRef MeasurementUnitOID="MU.KG"/>
        <RangeCheck Comparator="GE" SoftHard="Soft"><CheckValue>20</CheckValue>
          <ErrorMessage><TranslatedText xml:lang="en">Too light</TranslatedText></ErrorMessage></RangeCheck>
        <RangeCheck Comparator="IN" SoftHard="Hard"><CheckValue>1</CheckValue><CheckValue>2</CheckValue></RangeCheck>
        <Alias Context="SDTM" Name="VSORRES"/>
      </ItemDef>
      <ItemDef OID="IT.HEIGHT" Name="Height" DataType="integer" Origin="CRF"/>
      <ItemDef OID="IT.BMI" Name="BMI" DataType="double"/>
      <ItemDef OID="IT.SYMPT" Name="Symptoms" DataType="text" to:Control="checkbox" to:Variable="symptoms"
               to:Note="Tick all" to:SectionHeader="Symptoms" to:Identifier="Yes" to:Pattern="^[0-9]+$">
        <CodeListRef CodeListOID="CL.SYMPT"/></ItemDef>
      <ItemDef OID="IT.NOTE" Name="Note" DataType="text"><CodeListRef CodeListOID="CL.ENUM"/></ItemDef>
      <CodeList OID="CL.SYMPT" Name="Symptoms" DataType="integer">
        <CodeListItem CodedValue="1" OrderNumber="1"><Decode><TranslatedText>Fever</TranslatedText></Decode></CodeListItem>
        <CodeListItem CodedValue="2"><Decode><TranslatedText>Cough</TranslatedText></Decode></CodeListItem>
      </CodeList>
      <CodeList OID="CL.ENUM" Name="Enum" DataType="string">
        <EnumeratedItem CodedValue="A"/><EnumeratedItem CodedValue="B"/></CodeList>
      <ConditionDef OID="C.NOH" Name="No height">
        <Description><TranslatedText>no height</TranslatedText></Description>
        <FormalExpression Context="REDCap">[height] = ""</FormalExpression></ConditionDef>
      <MethodDef OID="MT.BMI" Name="BMI" Type="Computation">
        <Description><TranslatedText>bmi</TranslatedText></Description>
        <FormalExpression Context="REDCap">[weight]*10000/([height]*[height])</FormalExpression></MethodDef>
    </MetaDataVersion>
  </Study>
  <AdminData StudyOID="S.1">
    <User OID="U.1" UserType="Investigator"><FullName>Ann Smith</FullName><LocationRef LocationOID="L.1"/></User>
    <Location OID="L.1" Name="Site 1" LocationType="Site">
      <MetaDataVersionRef StudyOID="S.1" MetaDataVersionOID="V.1" EffectiveDate="2026-01-01"/></Location>
  </AdminData>
  <ClinicalData StudyOID="S.1" MetaDataVersionOID="V.1">
    <SubjectData SubjectKey="001"><SiteRef LocationOID="L.1"/>
      <StudyEventData StudyEventOID="SE.BASE"><FormData FormOID="F.VS">
        <ItemGroupData ItemGroupOID="IG.VS" ItemGroupRepeatKey="1">
          <ItemData ItemOID="IT.WEIGHT" Value="70.5"><MeasurementUnitRef MeasurementUnitOID="MU.KG"/></ItemData>
          <ItemData ItemOID="IT.HEIGHT" IsNull="Yes" to:NullFlavour="NASK"/>
          <ItemDataString ItemOID="IT.NOTE">A</ItemDataString>
        </ItemGroupData></FormData></StudyEventData>
    </SubjectData>
  </ClinicalData>
</ODM>
"""


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


# -- unsafe and invalid input ---------------------------------------------------------------------
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="x" FileType="Snapshot" CreationDateTime="x">&e;</ODM>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3">&lol4;</ODM>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_unsafe_xml_is_refused(payload):
    with pytest.raises(OdmError, match="refused: the file declares a DTD") as err:
        read_odm(payload)
    assert isinstance(err.value, ValueError)
    with pytest.raises(OdmError, match="refused"):
        canonical(payload)


def test_size_and_item_data_caps():
    data = fixture("odm-data-snapshot.xml")
    with pytest.raises(OdmError, match="larger than 1000 bytes"):
        read_odm(io.BytesIO(data), max_bytes=1000)
    with pytest.raises(OdmError, match="more than 100 ItemData"):
        read_odm(data, max_item_data=100)
    with pytest.raises(OdmError, match="not well-formed XML"):
        read_odm(b"<ODM><Study></ODM>")
    with pytest.raises(OdmError, match="not ODM"):
        read_odm(b"<html/>")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('FileType="Snapshot"', 'FileType="Snap"',
     "ODM (line 2): FileType 'Snap' is not one of Snapshot, Transactional"),
    ('DataType="integer" Origin', 'DataType="int" Origin',
     "ItemDef 'IT.HEIGHT' (line 32): DataType 'int' is not one of text, integer"),
    ('Comparator="GE"', 'Comparator="BETWEEN"',
     "RangeCheck in ItemDef 'IT.WEIGHT' (line 27): Comparator 'BETWEEN' is not one of LT, LE"),
    ('SoftHard="Hard"', 'SoftHard="Medium"', "SoftHard 'Medium' is not one of Soft, Hard"),
    ('<SubjectData SubjectKey="001">', '<SubjectData SubjectKey="001" TransactionType="Insrt">',
     "SubjectData '001' (line 58): TransactionType 'Insrt' is not one of Insert, Update, Remove, Upsert"),
    ('Name="Vitals" Repeating="Yes"', 'Name="Vitals" Repeating="Y"',
     "ItemGroupDef 'IG.VS' (line 16): Repeating 'Y' is not one of Yes, No"),
    ('<ItemRef ItemOID="IT.WEIGHT" Mandatory="Yes"', '<ItemRef ItemOID="IT.WEIGHT" Mandatory="maybe"',
     "ItemRef in ItemGroupDef 'IG.VS' (line 17): Mandatory 'maybe' is not one of Yes, No"),
    ('<FormRef FormOID="F.VS" Mandatory="Yes"/>', '<FormRef FormOID="F.VS"/>',
     "FormRef in StudyEventDef 'SE.BASE' (line 13): missing Mandatory"),
    ('to:Control="checkbox"', 'to:Control="slider"', "to:Control 'slider' is not one of"),
    ('IsNull="Yes"', 'IsNull="No"', "IsNull 'No' is not Yes"),
    ('to:NullFlavour="NASK"', 'to:NullFlavour="MAYBE"', "ItemData 'IT.HEIGHT' (line 62): to:NullFlavour 'MAYBE'"),
])
def test_enumerated_values_are_validated(old, new, message):
    assert old in SMALL
    with pytest.raises(OdmError) as err:
        read_odm(SMALL.replace(old, new).encode())
    assert any(message in p for p in err.value.problems), err.value.problems


def test_all_value_problems_are_raised_together():
    bad = SMALL.replace('FileType="Snapshot"', 'FileType="X"').replace('Comparator="GE"', 'Comparator="X"')
    with pytest.raises(OdmError) as err:
        read_odm(bad.encode())
    assert len(err.value.problems) == 2 and "FileType 'X'" in str(err.value)


# -- writing: Snapshot and Transactional ----------------------------------------------------------
AT = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
ADMIN = AdminData(users=(User("U.1", "Ann Smith", location_oids=("L.1",)),),
                  locations=(Location("L.1", "Site 1", "Site", "V.1"),))


def _transactional(items) -> list[ClinicalData]:
    group = ItemGroupData("IG.VS", "1", tuple(items))
    return [ClinicalData("S.1", "V.1", (SubjectData("001", "L.1", (
        StudyEventData("SE.BASE", None, (FormData("F.VS", None, (group,)),)),)),))]


def test_transactional_export_has_a_reason_on_every_changed_item():
    items = [ItemData("IT.WEIGHT", "70.5", transaction_type="Insert", audit=AuditRecord("U.1", "L.1", AT)),
             ItemData("IT.HEIGHT", "176", transaction_type="Update",
                      audit=AuditRecord("U.1", "L.1", AT, reason="Transcription error")),
             ItemData("IT.NOTE", None, transaction_type="Remove",
                      audit=AuditRecord("U.1", "L.1", AT, reason="Entered on the wrong subject"))]
    data = write_odm(file_oid="T.1", creation_datetime=AT, file_type="Transactional",
                     clinical_data=_transactional(items), admin_data=ADMIN)
    root = fromstring(data)
    assert root.get("FileType") == "Transactional" and root.get("ODMVersion") == "1.3.2"
    assert root.find("o:AdminData/o:User[@OID='U.1']", NS) is not None
    assert root.find("o:AdminData/o:Location[@OID='L.1']", NS) is not None
    item_data = root.findall(".//o:ItemData", NS)
    assert len(item_data) == 3
    for node in item_data:
        audit = node.find("o:AuditRecord", NS)
        assert node.get("TransactionType") in ("Insert", "Update", "Remove")
        assert audit.find("o:UserRef", NS).get("UserOID") == "U.1"
        assert audit.find("o:LocationRef", NS).get("LocationOID") == "L.1"
        assert audit.findtext("o:DateTimeStamp", None, NS) == "2026-03-01T09:30:00+00:00"
        if node.get("TransactionType") != "Insert":
            assert audit.findtext("o:ReasonForChange", "", NS).strip()
    back = read_odm(data)
    got = back.clinical_data[0].subjects[0].events[0].forms[0].groups[0].items
    assert list(got) == items
    assert write_odm_file(back) == data


@pytest.mark.parametrize(("item", "admin", "message"), [
    (ItemData("IT.H", "1", transaction_type="Update", audit=AuditRecord("U.1", "L.1", AT)), ADMIN,
     "ItemData 'IT.H' (subject '001', event 'SE.BASE', form 'F.VS', group 'IG.VS', repeat 1): "
     "a changed value needs a ReasonForChange"),
    (ItemData("IT.H", "1", transaction_type="Insert"), ADMIN, "needs an AuditRecord"),
    (ItemData("IT.H", "1", audit=AuditRecord("U.1", "L.1", AT)), ADMIN, "needs a TransactionType"),
    (ItemData("IT.H", "1", transaction_type="Insert", audit=AuditRecord("U.9", "L.1", AT)), ADMIN,
     "UserRef to unknown UserOID 'U.9'"),
    (ItemData("IT.H", "1", transaction_type="Insert", audit=AuditRecord("U.1", "L.1", AT)), None,
     "LocationRef to unknown LocationOID 'L.1'"),
])
def test_transactional_export_refuses_what_is_missing(item, admin, message):
    with pytest.raises(OdmError) as err:
        write_odm(file_oid="T", creation_datetime=AT, file_type="Transactional",
                  clinical_data=_transactional([item]), admin_data=admin)
    assert any(message in p for p in err.value.problems), err.value.problems


def test_snapshot_metadata_only_and_with_data():
    odm = read_odm(SMALL.encode())
    meta = write_odm(file_oid="M", creation_datetime=AT, studies=odm.studies, granularity="Metadata")
    assert b"<ClinicalData" not in meta and read_odm(meta).studies == odm.studies
    both = write_odm(file_oid="B", creation_datetime="2026-03-01T09:30:00", studies=odm.studies,
                     clinical_data=odm.clinical_data, admin_data=odm.admin_data)
    root = fromstring(both)
    assert [n.tag.split("}")[1] for n in root] == ["Study", "AdminData", "ClinicalData"]
    assert root.tag == f"{{{ODM_NS}}}ODM" and both.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert read_odm(both).clinical_data == odm.clinical_data
    with pytest.raises(OdmError, match="FileType 'Full'"):
        write_odm(file_oid="B", creation_datetime=AT, file_type="Full")


# -- canonical form -------------------------------------------------------------------------------
def test_canonical_ignores_header_stamps_and_whitespace_only():
    data = fixture("test_clinical_data_01.xml")
    other = (data.replace(b'FileOID="ODM.TEST.CD.001"', b'FileOID="OTHER"')
             .replace(b"2022-03-20T14:58:25.324356+00:00", b"2030-01-01T00:00:00")
             .replace(b"2022-03-20T14:58:25.324338+00:00", b"2030-01-01T00:00:00")
             .replace(b"><", b">\n   <"))
    assert canonical(data) == canonical(other)
    assert canonical(data) != canonical(data.replace(b'Value="245"', b'Value="246"'))
    assert canonical(rewrite(data)) == canonical(write_odm_file(read_odm(data), file_oid="NEW",
                                                                creation_datetime=AT, check=False))


# -- scale ----------------------------------------------------------------------------------------
def test_a_large_file_is_read_and_written_whole():
    """(Its speed is measured in bench/edc_import.py, not here.)"""
    n = 20_000
    items = "".join(f'<ItemData ItemOID="IT.{i % 50}" Value="{i}"/>' for i in range(n))
    data = (f'<ODM xmlns="{ODM_NS}" FileOID="L" FileType="Snapshot" CreationDateTime="2026-01-01">'
            f'<ClinicalData StudyOID="S" MetaDataVersionOID="V"><SubjectData SubjectKey="1">'
            f'<StudyEventData StudyEventOID="E"><FormData FormOID="F"><ItemGroupData ItemGroupOID="G">'
            f'{items}</ItemGroupData></FormData></StudyEventData></SubjectData></ClinicalData>'
            '</ODM>').encode()
    odm = read_odm(data)
    written = write_odm_file(odm)
    assert len(odm.clinical_data[0].subjects[0].events[0].forms[0].groups[0].items) == n
    assert written.count(b"<ItemData ") == n


def test_odmlib_accepts_the_export():
    """odmlib (a test dependency: an independent reading of ODM 1.3.2) loads a plain export and
    finds every reference. (odmlib refuses attributes it does not know, so the Trial Office
    extension is left out.)"""
    from odmlib import loader as loader_mod
    from odmlib import odm_loader
    from odmlib.oid_generator import create_oid_checker

    for data in (fixture("odm-data-snapshot.xml"), SMALL.encode()):
        plain = write_odm_file(read_odm(data), extensions=False)
        loader = loader_mod.ODMLoader(odm_loader.XMLODMLoader(model_package="odm_1_3_2", ns_uri=ODM_NS))
        loader.load_odm_string(plain.decode())
        checker = create_oid_checker("odm_1_3_2")
        loader.root().verify_oids(checker)
        checker.check_oid_refs()
