"""The REDCap data dictionary: read into the study model, written back identical, bad ones refused."""
import pytest

from plugins.edc.domain.dictionary import (
    EVENT_OID,
    DictionaryError,
    read_dictionary,
    show_if,
    write_dictionary,
)
from plugins.edc.domain.dictionary_columns import API_HEADERS, HEADERS
from plugins.edc.domain.metadata import (
    FormDef,
    ItemDef,
    ItemGroupDef,
    ItemGroupRef,
    ItemRef,
    MetaDataVersion,
    RangeCheck,
    TranslatedText,
)

from .redcap_sample import HEADER, SAMPLE, with_rows

RECORD_ID = 'record_id,demo,,text,"Record ID",,,,,,,,,,,,,\n'


@pytest.fixture(scope="module")
def version():
    return read_dictionary(SAMPLE, study_oid="S.TRIAL", version_oid="MDV.2", version_name="v2")


def refused(text) -> list[str]:
    with pytest.raises(DictionaryError) as caught:
        read_dictionary(text)
    return caught.value.problems


def ref_of(version, variable):
    return next(r for g in version.item_groups for r in g.item_refs if r.item_oid == f"IT.{variable}")


# -- round trip ---------------------------------------------------------------------------------
def test_a_dictionary_read_then_written_is_identical():
    assert write_dictionary(read_dictionary(SAMPLE)) == SAMPLE


def test_utf8_bytes_with_a_byte_order_mark_are_read():
    assert write_dictionary(read_dictionary(b"\xef\xbb\xbf" + SAMPLE.encode())) == SAMPLE


def test_writing_then_reading_gives_the_same_version(version):
    again = read_dictionary(write_dictionary(version), version_oid="MDV.2", version_name="v2")
    assert again == version


def test_api_headers_and_any_header_case_are_accepted():
    api = ",".join(API_HEADERS) + "\n" + SAMPLE.split("\n", 1)[1]
    upper = ",".join(f'"{h.upper()}"' for h in HEADERS) + "\n" + SAMPLE.split("\n", 1)[1]
    assert write_dictionary(read_dictionary(api)) == SAMPLE
    assert write_dictionary(read_dictionary(upper)) == SAMPLE


def test_spacing_in_choices_is_written_the_way_redcap_writes_it():
    text = with_rows(RECORD_ID + "sex,demo,,radio,Sex,\"1,Male|2,  Female\",,,,,,,,,,,,\n")
    assert '"1, Male | 2, Female"' in write_dictionary(read_dictionary(text))


# -- structure ----------------------------------------------------------------------------------
def test_one_scheduled_event_holds_the_forms_in_order(version):
    assert (version.oid, version.name) == ("MDV.2", "v2")
    (event,) = version.events
    assert (event.oid, event.type, event.repeating) == (EVENT_OID, "Scheduled", False)
    assert [r.form_oid for r in event.form_refs] == ["F.enrolment", "F.vitals", "F.labs"]
    assert [r.study_event_oid for r in version.protocol] == [EVENT_OID]
    for form in version.forms:
        (ref,) = form.item_group_refs
        group = version.item_group(ref.item_group_oid)
        assert group.oid == f"IG.{form.name}" and not group.repeating
    labs = version.item_group("IG.labs")
    assert [r.order for r in labs.item_refs] == [1, 2, 3, 4, 5, 6]
    assert [version.item(r.item_oid).variable for r in labs.item_refs][:2] == ["lab_date", "fasting"]
    assert len(version.items) == 26 and len({i.oid for i in version.items}) == 26


def test_text_validations_become_data_types(version):
    item = version.item_by_variable
    assert item("record_id").data_type == "text" and item("record_id").control == "input"
    assert item("consent_date").data_type == "date" and not item("consent_date").aliases
    assert item("dob").data_type == "date"
    assert [(a.context, a.name) for a in item("dob").aliases] == [("REDCap:validation", "date_mdy")]
    assert item("lab_date").data_type == "datetime"
    assert item("visit_time").data_type == "time"
    assert item("height").data_type == "integer"
    assert (item("weight").data_type, item("weight").significant_digits) == ("float", 1)
    assert (item("hb").data_type, item("hb").significant_digits) == ("float", 2)
    assert item("email").data_type == "text" and "@" in item("email").pattern
    assert item("initials").pattern == "^[A-Za-z]+$"
    assert item("comments").control == "textarea"


def test_coded_fields_get_one_codelist_each(version):
    sex = version.item_by_variable("sex")
    codelist = version.codelist(sex.codelist_oid)
    assert (sex.control, sex.data_type, codelist.oid) == ("radio", "integer", "CL.sex")
    assert [(i.coded_value, i.decode.text) for i in codelist.items] == [("1", "Male"), ("2", "Female")]
    race = version.item_by_variable("race")
    assert (race.control, race.data_type) == ("checkbox", "text")
    assert version.codelist(race.codelist_oid).codes == ("1", "2", "3", "98")
    smoker = version.item_by_variable("smoker")
    assert smoker.control == "dropdown" and version.codelist(smoker.codelist_oid).decode("2") == "Current"
    yesno = version.item_by_variable("pregnant")
    assert yesno.control == "yesno" and version.codelist(yesno.codelist_oid).codes == ("1", "0")
    truefalse = version.item_by_variable("fasting")
    assert truefalse.control == "radio"
    assert version.codelist(truefalse.codelist_oid).decode("0") == "False"
    assert [a.name for a in truefalse.aliases] == ["truefalse"]


def test_calc_descriptive_and_notes(version):
    bmi = version.item_by_variable("bmi")
    assert (bmi.control, bmi.data_type) == ("calc", "float")
    method = version.method(ref_of(version, "bmi").method_oid)
    assert method.expression == "round([weight]*10000/([height]*[height]),1)"
    note = version.item_by_variable("vitals_note")
    assert note.control == "descriptive"
    assert note.question.text == "<b>Check the cuff size</b>\nbefore measuring."
    assert version.item_by_variable("weight").note == "kg"


def test_min_and_max_are_soft_range_checks(version):
    assert version.item_by_variable("sbp").range_checks == (
        RangeCheck("GE", ("80",), "Soft"), RangeCheck("LE", ("220",), "Soft"))
    assert version.item_by_variable("cig_per_day").range_checks == (RangeCheck("GE", ("0",), "Soft"),)
    assert version.item_by_variable("consent_date").range_checks[1].values == ("today",)


def test_required_identifier_header_and_annotations_are_kept(version):
    assert ref_of(version, "sex").mandatory and not ref_of(version, "race").mandatory
    assert version.item_by_variable("dob").identifier
    assert not version.item_by_variable("sex").identifier
    assert version.item_by_variable("weight").section_header == "Body measurements"
    aliases = {(a.context, a.name) for a in version.item_by_variable("sym_headache").aliases}
    assert aliases == {("REDCap:matrix_group_name", "symptoms"), ("REDCap:matrix_ranking", "y")}
    assert ("REDCap:custom_alignment", "RH") in {
        (a.context, a.name) for a in version.item_by_variable("sex").aliases}
    assert ("REDCap:field_annotation", "@HIDDEN-SURVEY @NOMISSING") in {
        (a.context, a.name) for a in version.item_by_variable("email").aliases}


def test_branching_is_stored_as_the_odm_collection_exception(version):
    ref = ref_of(version, "pregnant")
    condition = version.condition(ref.collection_exception_oid)
    assert (condition.oid, condition.context) == ("CD.pregnant", "REDCap")
    assert condition.expression == "not ([sex] = '2')"  # hidden while this holds
    assert show_if(condition) == "[sex] = '2'"
    assert show_if(version.condition(ref_of(version, "race_other").collection_exception_oid)) \
        == "[race(98)] = '1'"
    assert ref_of(version, "sex").collection_exception_oid is None
    assert show_if(None) == ""


# -- refusals -----------------------------------------------------------------------------------
@pytest.mark.parametrize("first", [
    'record_id,demo,,radio,"Record ID","1, A",,,,,,,,,,,,\n',
    'record_id,demo,,text,"Record ID",,,integer,,,,,,,,,,\n',
    'record_id,demo,,text,"Record ID",,,,,,,"[x] = 1",,,,,,\n',
    'record_id,demo,,calc,"Record ID",1+1,,,,,,,,,,,,\n',
])
def test_a_bad_first_field_is_refused_with_its_row_named(first):
    (problem,) = refused(with_rows(first + 'age,demo,,text,Age,,,integer,,,,,,,,,,\n'))
    assert problem.startswith("row 1 (record_id): the first field must be the record ID")


def test_non_contiguous_forms_are_refused_with_the_row_named():
    rows = (RECORD_ID + "weight,vitals,,text,Weight,,,number,,,,,,,,,,\n"
            + "hb,labs,,text,Hb,,,number,,,,,,,,,,\n" + "height,vitals,,text,Height,,,number,,,,,,,,,,\n")
    assert refused(with_rows(rows)) == [
        "row 4 (height): form 'vitals' appears again after 'labs'; keep a form's fields together"]


def test_every_problem_is_collected_before_refusing():
    rows = (RECORD_ID + "Age,demo,,text,Age,,,,,,,,,,,,,\n"
            + "1st,demo,,text,First,,,,,,,,,,,,,\n"
            + f"{'a' * 101},demo,,text,Long,,,,,,,,,,,,,\n"
            + "record_id,demo,,text,Again,,,,,,,,,,,,,\n"
            + "sex,demo,,radio,Sex,\"1, M | 1, F\",,,,,,,,,,,,\n"
            + "eth,demo,,dropdown,Eth,\"1 White | 2, Other\",,,,,,,,,,,,\n"
            + "race,demo,,checkbox,Race,,,,,,,,,,,,,\n"
            + "scan,demo,,file,Scan,,,,,,,,,,,,,\n"
            + "mood,demo,,smiley,Mood,,,,,,,,,,,,,\n"
            + "bmi,demo,,calc,BMI,,,,,,,,,,,,,\n"
            + "dt,demo,,text,Date,,,date_ymd,2020-13-01,,,,,,,,,\n"
            + "n,demo,,text,N,,,integer,abc,5,,,,,,,,\n"
            + "m,demo,,text,M,,,number,10,5,,,,,,,,\n"
            + "t,demo,,text,T,,,,1,,,,,,,,,\n"
            + "e,demo,,text,E,,,email,1,,,,,,,,,\n"
            + "v,demo,,text,V,,,ssn_fancy,,,,,,,,,,\n"
            + "yn,demo,,yesno,YN,,,integer,,,,,,,,,,\n"
            + "flag,demo,,text,Flag,,,,,,maybe,,,,,,,\n"
            + "al,demo,,text,Al,,,,,,,,,XX,,,,\n"
            + "tx,demo,,text,Tx,\"1, A\",,,,,,,,,,,,\n")
    problems = refused(with_rows(rows))
    expected = [
        "row 2 (Age): a variable name holds lower-case letters",
        "row 3 (1st): a variable name holds lower-case letters",
        "row 4 (" + "a" * 101 + "): the variable name is longer than 100 characters",
        "row 5 (record_id): variable 'record_id' is already used above",
        "row 6 (sex): choice code '1' is used twice",
        "row 7 (eth): choice 1 '1 White' should be 'code, label'",
        "row 8 (race): a checkbox field needs choices like '1, Male | 2, Female'",
        "row 9 (scan): field type 'file' is not supported by edc",
        "row 10 (mood): unknown field type 'smiley'",
        "row 11 (bmi): a calc field needs its calculation",
        "row 12 (dt): min '2020-13-01' is not a date like 2024-03-15",
        "row 13 (n): min 'abc' is not a whole number",
        "row 14 (m): min 10 is above max 5",
        "row 15 (t): min/max need a validation type",
        "row 16 (e): min/max apply to number, integer, date, datetime and time validations only",
        "row 17 (v): unknown validation type 'ssn_fancy'",
        "row 18 (yn): validation applies to text fields only",
        "row 19 (flag): identifier should be 'y' or empty, not 'maybe'",
        "row 20 (al): custom alignment 'XX' should be one of RV, RH, LV, LH or empty",
        "row 21 (tx): a text field has no choices or calculation; empty that column",
    ]
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected):
        assert problem.startswith(start), (problem, start)
    assert isinstance(DictionaryError(problems), ValueError)


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ('"Variable / Field Name","Form","Section Header"\n', "column 2 should be 'Form Name' but is 'Form'"),
    (",".join(f'"{h}"' for h in HEADERS[:17]) + "\n", "the header has 17 columns"),
    (HEADER, "the dictionary has no fields"),
    (HEADER + "record_id,demo,,text\n", "row 1: has 4 columns; a dictionary has 18"),
    (HEADER + "\n\n" + "record_id,demo,,text,ID,,,,,,,,,,,,,\nage,demo,,integer,Age,,,,,,,,,,,,,\n",
     "row 4 (age): unknown field type 'integer'"),
    (b"\xff\xfe" + HEADER.encode("utf-16-le"), "the file is not UTF-8 text"),
])
def test_unreadable_files_are_refused(text, message):
    problems = refused(text)
    assert len(problems) == 1 and message in problems[0]


def test_a_form_with_a_bad_name_is_refused():
    assert refused(with_rows('record_id,"My Form",,text,ID,,,,,,,,,,,,,\n')) == [
        "row 1 (record_id): form name 'My Form' should hold lower-case letters, digits and '_' only"]


# -- writing a version that did not come from a dictionary --------------------------------------
def test_a_version_built_elsewhere_is_written_as_far_as_a_dictionary_can_say_it():
    items = (ItemDef(oid="I.RECID", name="Subject ID", variable="subjid"),
             ItemDef(oid="I.WT", name="Weight", data_type="float", significant_digits=2,
                     question=TranslatedText.of("Weight"),
                     range_checks=(RangeCheck("GT", ("0",), "Hard"), RangeCheck("LE", ("300",)))))
    group = ItemGroupDef(oid="IG.VS", name="VS", repeating=True, item_refs=(
        ItemRef("I.WT", order=2, mandatory=True), ItemRef("I.RECID", order=1)))
    form = FormDef(oid="F.VS", name="Vital Signs", item_group_refs=(ItemGroupRef("IG.VS"),))
    text = write_dictionary(MetaDataVersion(oid="MDV.1", name="v1", forms=(form,),
                                            item_groups=(group,), items=items))
    assert text.splitlines()[1:] == [
        "subjid,vital_signs,,text,,,,,,,,,,,,,,",
        "weight,vital_signs,,text,Weight,,,number_2dp,,300,,,y,,,,,",
    ]
    assert read_dictionary(text).item_by_variable("weight").significant_digits == 2


def test_a_dictionary_survives_an_odm_round_trip(version):
    odm = pytest.importorskip("plugins.edc.domain.odm")
    from plugins.edc.domain.metadata import StudyDefinition

    study = StudyDefinition(oid="S.TRIAL", name="Trial", versions=(version,))
    document = odm.write_odm(file_oid="F.1", creation_datetime="2026-11-30T09:00:00", studies=(study,))
    (again,) = odm.read_odm(document).studies[0].versions
    assert again == version
    assert write_dictionary(again) == SAMPLE
