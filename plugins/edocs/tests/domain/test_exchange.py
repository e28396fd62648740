"""The TMF exchange zip: written, read back unchanged, and its exchange.xml shaped like the EMS."""
import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace

import pytest

from plugins.edocs.domain.exchange import (
    EMS_NS,
    ExchangeError,
    ExchangeFile,
    ExchangeManifest,
    safe_name,
    write_exchange,
)
from plugins.edocs.domain.exchange_read import read_exchange

NS = {"ems": EMS_NS}


def stored(ref, version, content, **fields) -> tuple[ExchangeFile, bytes]:
    """A document version as the binder records it, with its bytes."""
    values = dict(
        document_ref=ref, version=version, artifact="01.01.01", artifact_name="Trial Master File Plan",
        zone_number="01", zone_name="Trial Management", level="trial", site="", country="",
        title=f"{ref} title", version_label=f"{version}.0", status="effective", document_date="2024-03-05",
        language="en", filename=f"{ref}.txt", content_type="text/plain", size=len(content),
        sha256=hashlib.sha256(content).hexdigest())
    values.update(fields)
    return ExchangeFile(**values), content


#: three documents: a trial-level plan in three versions, a site CV, a country approval
DOCUMENTS = [
    stored("DOC-1", 1, b"plan, first draft\n", status="superseded"),
    stored("DOC-1", 2, b"plan, second draft\n", status="superseded", version_label="1.1"),
    stored("DOC-1", 3, b"plan, final\n", status="effective", version_label="2.0"),
    stored("DOC-2", 1, bytes(range(256)) * 40, artifact="05.02.10", artifact_name="Investigator CV",
           zone_number="05", zone_name="Site Management", level="site", site="DE-001", country="DE",
           title="CV Dr. Müller", filename="Lebenslauf Müller.pdf", content_type="application/pdf",
           status="approved", language="de"),
    stored("DOC-3", 1, b"ethics approval", artifact="04.01.02", artifact_name="IRB or IEC Approval",
           zone_number="04", zone_name="IRB or IEC and other Approvals", level="country", country="FR",
           document_date=""),
]


def make_exchange(documents=DOCUMENTS, **manifest_fields) -> tuple[bytes, ExchangeManifest]:
    """The zip's bytes and the manifest the writer returned."""
    contents = {(f.document_ref, f.version): data for f, data in documents}
    manifest = ExchangeManifest(**{
        "study_name": "Study Aurora", "protocol": "AUR-001", "source": "Acme CRO",
        "exported_at": "2026-11-30T13:00:00+00:00", "files": tuple(f for f, _ in documents),
        **manifest_fields})
    out = io.BytesIO()
    written = write_exchange(out, manifest, lambda f: io.BytesIO(contents[(f.document_ref, f.version)]))
    return out.getvalue(), written


def test_round_trip_gives_the_same_manifest_bytes_and_hashes():
    data, written = make_exchange()
    with read_exchange(io.BytesIO(data)) as contents:
        assert contents.manifest == written
        assert [replace(f, path="") for f in contents.manifest.files] == [f for f, _ in DOCUMENTS]
        for f, (_, original) in zip(contents.manifest.files, DOCUMENTS):
            with contents.open(f) as src:
                read_back = src.read()
            assert read_back == original
            assert hashlib.sha256(read_back).hexdigest() == f.sha256


def test_files_sit_in_a_folder_per_zone_and_artifact_then_site_country_or_trial():
    _, written = make_exchange()
    paths = [f.path for f in written.files]
    assert paths == [
        "01 Trial Management/01.01.01 Trial Master File Plan/trial/DOC-1-v1-DOC-1.txt",
        "01 Trial Management/01.01.01 Trial Master File Plan/trial/DOC-1-v2-DOC-1.txt",
        "01 Trial Management/01.01.01 Trial Master File Plan/trial/DOC-1-v3-DOC-1.txt",
        "05 Site Management/05.02.10 Investigator CV/DE-001/DOC-2-v1-Lebenslauf Muller.pdf",
        "04 IRB or IEC and other Approvals/04.01.02 IRB or IEC Approval/FR/DOC-3-v1-DOC-3.txt",
    ]


def test_the_zip_holds_the_files_deflated_and_exchange_xml_at_the_root():
    data, written = make_exchange()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names == [f.path for f in written.files] + ["exchange.xml"]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())


def test_exchange_xml_lists_every_file_with_its_sha256_and_metadata():
    data, written = make_exchange()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = ET.fromstring(zf.read("exchange.xml"))
    assert root.tag == f"{{{EMS_NS}}}BATCH"
    assert (root.get("STUDYID"), root.get("TRANSFERSOURCEID"), root.get("TRANSFERID")) == (
        "AUR-001", "Acme CRO", "20261130130000")
    objects = root.findall("ems:OBJECT", NS)
    assert [o.findtext("ems:FILE/ems:CONTENTURL", namespaces=NS) for o in objects] == [
        f.path for f in written.files]
    assert [o.findtext("ems:FILE/ems:INTEGRITY", namespaces=NS) for o in objects] == [
        f"SHA256-{f.sha256}" for f in written.files]
    cv = objects[3]
    assert cv.findtext("ems:OBJECTLEVEL", namespaces=NS) == "Site"
    assert cv.findtext("ems:SITEID", namespaces=NS) == "DE-001"
    assert cv.findtext("ems:ARTIFACTNUMBER", namespaces=NS) == "05.02.10"
    assert cv.findtext("ems:ARTIFACTDATE", namespaces=NS) == "05-MAR-2024"
    assert cv.findtext("ems:FILE/ems:FILENAME", namespaces=NS) == "Lebenslauf Müller.pdf"
    meta = {m.get("NAME"): m.text for m in cv.findall("ems:METADATA", NS)}
    assert meta["VERSION"] == "1" and meta["STATUS"] == "approved"
    assert meta["CONTENTTYPE"] == "application/pdf" and meta["SIZE"] == str(256 * 40)
    states = [o.findtext("ems:OBJECTVERSIONSTATE", namespaces=NS) for o in objects[:3]]
    assert states == ["Superseded", "Superseded", "Current"]


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "_.._etc_passwd"),
    ("C:\\Windows\\evil.exe", "C_Windows_evil.exe"),
    ("Protokoll Ünterschrift\x00\x07.pdf", "Protokoll Unterschrift_.pdf"),
    ("..", "file"),
    ("", "file"),
])
def test_safe_names_have_no_separators_control_characters_or_accents(name, expected):
    assert safe_name(name) == expected


def test_a_long_name_is_capped_and_keeps_its_extension():
    assert safe_name("x" * 300 + ".pdf", 50) == "x" * 46 + ".pdf"


def test_two_files_whose_safe_paths_collide_get_distinct_paths():
    one = stored("DOC/9", 1, b"one", filename="report.txt")
    two = stored("DOC_9", 1, b"two", filename="REPORT.TXT")  # the same path once made safe, but for case
    data, written = make_exchange([one, two])
    assert [f.path.rsplit("/", 1)[1] for f in written.files] == ["DOC_9-v1-report.txt", "DOC_9-v1-REPORT-2.TXT"]
    with read_exchange(io.BytesIO(data)) as contents:
        assert [contents.open(f).read() for f in contents.manifest.files] == [b"one", b"two"]


def test_a_stored_file_that_does_not_match_its_hash_is_not_exported():
    f, _ = stored("DOC-1", 1, b"what the binder recorded")
    with pytest.raises(ExchangeError, match="DOC-1 version 1 .*does not match its recorded SHA-256"):
        write_exchange(io.BytesIO(), ExchangeManifest("S", "P", "O", "2026-01-01T00:00:00+00:00", (f,)),
                       lambda _: io.BytesIO(b"something else"))


def test_characters_xml_cannot_hold_are_dropped_from_the_manifest():
    data, _ = make_exchange([stored("DOC-1", 1, b"x", title="Line\x0bbreak")])
    with read_exchange(io.BytesIO(data)) as contents:
        assert contents.manifest.files[0].title == "Linebreak"


def test_study_and_transfer_come_back_from_the_batch():
    data, _ = make_exchange()
    with read_exchange(io.BytesIO(data)) as contents:
        m = contents.manifest
    assert (m.study_name, m.protocol, m.source, m.exported_at, m.tmf_rm_version) == (
        "Study Aurora", "AUR-001", "Acme CRO", "2026-11-30T13:00:00+00:00", "3.3")


def test_an_object_from_another_system_reads_with_its_ems_values():
    """Another eTMF writes only the EMS elements and a VERSION: the rest is derived or defaulted."""
    content = b"%PDF-1.4 signed protocol"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<BATCH xmlns="{EMS_NS}" STUDYID="ATEM-0025" TRANSFERSOURCEID="CRO101" TRANSFERID="20160413140025"
       SPECIFICATIONID="ABC-0235" TMFRMVERSION="3.0">
  <OBJECT>
    <OBJECTID>PCO-AKT-101</OBJECTID><OBJECTLEVEL>Site</OBJECTLEVEL><SITEID>US-204</SITEID>
    <UNIQUEID>91</UNIQUEID><ARTIFACTNUMBER>05.02.01</ARTIFACTNUMBER><OBJECTVERSION>1.0</OBJECTVERSION>
    <OBJECTVERSIONSTATE>Superseded</OBJECTVERSIONSTATE><OBJECTCOPY>Yes</OBJECTCOPY>
    <ARTIFACTDATE>23-Jan-2018</ARTIFACTDATE>
    <FILE><INTEGRITY>sha256-{hashlib.sha256(content).hexdigest()}</INTEGRITY>
      <FILENAME>protocol.pdf</FILENAME><CONTENTURL>05/05.02/protocol.pdf</CONTENTURL></FILE>
    <METADATA NAME="VERSION">4</METADATA>
  </OBJECT>
</BATCH>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("exchange.xml", xml)
        zf.writestr("05/05.02/protocol.pdf", content)
    with read_exchange(io.BytesIO(out.getvalue())) as contents:
        m = contents.manifest
        (f,) = m.files
    assert (m.study_name, m.protocol, m.source, m.tmf_rm_version) == ("ATEM-0025", "ATEM-0025", "CRO101", "3.0")
    assert (f.document_ref, f.version, f.level, f.site, f.zone_number, f.status, f.document_date) == (
        "PCO-AKT-101", 4, "site", "US-204", "05", "superseded", "2018-01-23")
    assert (f.size, f.content_type, f.path) == (len(content), "application/octet-stream", "05/05.02/protocol.pdf")
