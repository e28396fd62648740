"""The shipped TMF Reference Model (v3.3.1) artifact list: zones, numbering, levels, the artifacts
milestone templates rely on, and a loader that refuses a malformed file row by row."""
import dataclasses
import re

import pytest

from plugins.edocs.domain.reference_model import (
    ARTIFACT_NUMBER,
    COLUMNS,
    ReferenceModelError,
    artifact_type,
    load_reference_model,
    parse_artifact_number,
    zones,
)

OFFICIAL_ZONES = [
    ("01", "Trial Management"),
    ("02", "Central Trial Documents"),
    ("03", "Regulatory"),
    ("04", "IRB or IEC and other Approvals"),
    ("05", "Site Management"),
    ("06", "IP and Trial Supplies"),
    ("07", "Safety Reporting"),
    ("08", "Central and Local Testing"),
    ("09", "Third parties"),
    ("10", "Data Management"),
    ("11", "Statistics"),
]

#: number, name, levels, core: the artifacts edocs' milestone templates expect
MILESTONE_ARTIFACTS = [
    ("02.01.01", "Investigator's Brochure", ("trial", "country"), True),
    ("02.01.02", "Protocol", ("trial", "country", "site"), True),
    ("02.02.03", "Informed Consent Form", ("trial", "country", "site"), True),
    ("03.01.02", "Regulatory Authority Decision", ("trial", "country"), True),
    ("04.01.01", "IRB or IEC Submission", ("country", "site"), True),
    ("04.01.02", "IRB or IEC Decision", ("country", "site"), True),
    ("05.02.02", "Protocol Signature Page", ("site",), True),
    ("05.02.04", "Principal Investigator Curriculum Vitae", ("site",), True),
    ("05.02.05", "Sub-Investigator Curriculum Vitae", ("site",), True),
    ("05.02.07", "Site Staff Qualification Supporting Information", ("site",), False),
    ("05.02.08", "Form FDA 1572", ("site",), True),
    ("05.02.09", "Investigator Regulatory Agreement", ("site",), True),
    ("05.02.10", "Financial Disclosure Form", ("site",), True),
    ("05.02.12", "Clinical Trial Agreement", ("site",), True),
    ("05.02.18", "Site Signature Sheet", ("site",), True),
    ("05.03.01", "Trial Initiation Monitoring Report", ("site",), True),
    ("05.04.03", "Monitoring Visit Report", ("site",), True),
    ("06.01.04", "IP Shipment Documentation", ("trial", "country", "site"), True),
    ("06.01.05", "IP Accountability Documentation", ("trial", "country", "site"), True),
    ("08.01.01", "Certification or Accreditation", ("trial", "country", "site"), True),
    ("08.01.04", "Normal Ranges", ("trial", "country", "site"), True),
]

HEADER = ",".join(COLUMNS)
GOOD_ROW = "05.02.04,05,Site Management,05.02,Site Set-up,Principal Investigator Curriculum Vitae,core,,,y,8.2.10,PI CV."
OTHER_ROW = "01.01.01,01,Trial Management,01.01,Trial Oversight,Trial Master File Plan,recommended,y,,,,TMF plan."


def test_the_eleven_zones_have_the_official_names_in_order():
    assert zones() == OFFICIAL_ZONES


def test_numbers_are_unique_well_formed_sorted_and_agree_with_zone_and_section():
    model = load_reference_model()
    numbers = [a.number for a in model]
    assert len(numbers) == len(set(numbers)) == 250
    assert numbers == sorted(numbers)
    for a in model:
        assert ARTIFACT_NUMBER.match(a.number), a.number
        assert a.zone == a.zone_number == a.number[:2]
        assert a.section == a.section_number == a.number[:5]
        assert a.name and a.section_name and a.description, a.number


def test_every_zone_and_section_keeps_one_name():
    sections: dict[str, set[str]] = {}
    for a in load_reference_model():
        sections.setdefault(a.section, set()).add(a.section_name)
    assert all(len(names) == 1 for names in sections.values()), sections
    assert sections["05.02"] == {"Site Set-up"}
    assert len(sections) == 48


def test_every_artifact_is_filed_at_some_level_in_canonical_order():
    order = ("trial", "country", "site")
    for a in load_reference_model():
        assert a.levels, a.number
        assert list(a.levels) == [level for level in order if level in a.levels], a.number


def test_core_and_recommended_counts_match_version_3():
    model = load_reference_model()
    core = [a for a in model if a.core]
    assert len(core) == 197 > 100
    assert len(model) - len(core) == 53
    assert not artifact_type("01.01.01").core


def test_ich_codes_are_section_8_references_or_empty():
    codes = re.compile(r"^8\.\d+\.\d+(; 8\.\d+\.\d+)*$")
    for a in load_reference_model():
        assert a.ich_code == "" or codes.match(a.ich_code), (a.number, a.ich_code)
    assert artifact_type("05.02.04").ich_code == "8.2.10; 8.3.5"
    assert artifact_type("05.04.09").ich_code == "8.3.17; 8.3.18"


@pytest.mark.parametrize(("number", "name", "levels", "core"), MILESTONE_ARTIFACTS)
def test_milestone_artifacts_exist_with_their_levels(number, name, levels, core):
    artifact = artifact_type(number)
    assert artifact is not None
    assert (artifact.name, artifact.levels, artifact.core) == (name, levels, core)


def test_pi_cv_is_site_level_and_protocol_is_filed_at_trial_level():
    assert artifact_type("05.02.04").levels == ("site",)
    assert "trial" in artifact_type("02.01.02").levels


def test_artifact_type_is_none_for_numbers_the_model_lacks():
    assert artifact_type("02.01.08") is None      # retired by the model
    assert artifact_type("99.01.01") is None
    assert artifact_type("5.2.4") is None
    assert artifact_type(None) is None


def test_artifact_types_are_frozen_and_the_shipped_model_is_read_once():
    assert load_reference_model() is load_reference_model()
    with pytest.raises(dataclasses.FrozenInstanceError):
        artifact_type("05.02.04").name = "CV"


@pytest.mark.parametrize("text", ["05.02.10", " 05.02.10 "])
def test_parse_artifact_number_accepts_a_number(text):
    assert parse_artifact_number(text) == "05.02.10"


@pytest.mark.parametrize("text", ["5.2.10", "05.02", "05.02.10; drop", "05.02.10.01", "05-02-10", "",
                                  "٠٥.٠٢.١٠", None, 50210])
def test_parse_artifact_number_rejects_anything_else_clearly(text):
    with pytest.raises(ValueError, match=r"is not an artifact number: give zone\.section\.artifact"):
        parse_artifact_number(text)


def write(tmp_path, *lines):
    path = tmp_path / "model.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_custom_file_loads_sorted(tmp_path):
    model = load_reference_model(write(tmp_path, HEADER, GOOD_ROW, OTHER_ROW))
    assert [a.number for a in model] == ["01.01.01", "05.02.04"]
    assert model[1].levels == ("site",) and model[1].core
    assert model[0].levels == ("trial",) and not model[0].core


@pytest.mark.parametrize(("bad_row", "message"), [
    (GOOD_ROW, r"line 3: artifact 05\.02\.04 is listed again \(first on line 2\)"),
    (OTHER_ROW.replace("01.01.01,01,", "01.01.02,02,"), r"line 3: artifact 01\.01\.02 is in zone 01"),
    (OTHER_ROW.replace(",01.01,", ",01.02,"), r"line 3: artifact 01\.01\.01 is in section 01\.01"),
    (OTHER_ROW.replace("recommended,y,,,", "recommended,,,,"), r"line 3: artifact 01\.01\.01 is filed at no level"),
    (OTHER_ROW.replace("recommended", "mandatory"), r"line 3: core must be 'core' or 'recommended'"),
    (OTHER_ROW.replace("recommended,y,", "recommended,X,"), r"line 3: trial must be 'y' or empty"),
    (OTHER_ROW.replace("01.01.01,", "1.1.1,"), r"line 3: '1\.1\.1' is not an artifact number"),
    (OTHER_ROW.replace(",TMF plan.", ""), r"line 3: expected 12 fields"),
    (OTHER_ROW.replace("Trial Master File Plan", ""), r"line 3: artifact 01\.01\.01 has no artifact_name"),
    (GOOD_ROW.replace("05.02.04", "05.02.05").replace("Site Set-up", "Site Setup"),
     r"line 3: 05\.02 is named 'Site Setup' here but 'Site Set-up' on line 2"),
])
def test_a_malformed_row_is_refused_naming_the_row(tmp_path, bad_row, message):
    with pytest.raises(ReferenceModelError, match=message):
        load_reference_model(write(tmp_path, HEADER, GOOD_ROW, bad_row))


def test_a_wrong_header_or_an_empty_file_is_refused(tmp_path):
    with pytest.raises(ReferenceModelError, match="the header row must be number,zone_number"):
        load_reference_model(write(tmp_path, HEADER.replace("core", "status"), GOOD_ROW))
    with pytest.raises(ReferenceModelError, match="lists no artifacts"):
        load_reference_model(write(tmp_path, HEADER))
