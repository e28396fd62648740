"""CDISC ODM 1.3.2: unsafe and invalid input refused, Snapshot and Transactional writing, the
canonical form, scale, and odmlib's reading of an export."""
from __future__ import annotations

import io
from datetime import datetime, timezone

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
from plugins.edc.domain.odm import (
    ODM_NS,
    OdmError,
    canonical,
    read_odm,
    write_odm,
    write_odm_file,
)

from .odm_samples import NS, SMALL, fixture, rewrite

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

