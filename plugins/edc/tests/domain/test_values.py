"""Value checks: every data type, lengths and digits, codes, checkboxes, ranges (soft and hard),
partial dates and null flavours, with messages for site staff."""
from datetime import datetime

import pytest

from plugins.edc.domain.dictionary import read_dictionary
from plugins.edc.domain.metadata import CodeList, CodeListItem, ItemDef, RangeCheck, TranslatedText
from plugins.edc.domain.values import check_value

from .redcap_sample import SAMPLE

NOW = datetime(2026, 11, 30, 9, 15, 30)


def item(label="Value", data_type="text", **kw) -> ItemDef:
    return ItemDef(oid="IT.x", name="x", data_type=data_type, question=TranslatedText.of(label), **kw)


def codes(*pairs) -> CodeList:
    return CodeList(oid="CL.x", name="x", items=tuple(
        CodeListItem(code, TranslatedText.of(label)) for code, label in pairs))


def ok(it, raw, codelist=None, **kw):
    check = check_value(it, raw, codelist, now=NOW, **kw)
    assert check.problems == (), check.problems
    return check.value


def error(it, raw, codelist=None, **kw) -> str:
    check = check_value(it, raw, codelist, now=NOW, **kw)
    assert not check.ok and check.value is None and len(check.errors) == 1, check
    return check.errors[0]


def warning(it, raw, codelist=None, **kw) -> tuple[str, str]:
    check = check_value(it, raw, codelist, now=NOW, **kw)
    assert check.ok and not check.errors and len(check.warnings) == 1, check
    return check.value, check.warnings[0]


# -- types --------------------------------------------------------------------------------------
def test_text_length_and_pattern():
    assert ok(item(length=5), "  abcde ") == "abcde"
    assert error(item("Initials", length=3), "ABCD") == (
        "Initials is 4 characters long; at most 3 are allowed.")
    email = item("Contact e-mail", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    assert ok(email, "ana@example.org") == "ana@example.org"
    assert error(email, "ana.example.org") == (
        "Contact e-mail 'ana.example.org' is not an e-mail address, for example name@example.org.")
    assert "is not in the expected format" in error(item("Code", pattern=r"[A-Z]{2}\d"), "ab1")


@pytest.mark.parametrize("raw, stored", [("42", "42"), ("+007", "7"), ("-3", "-3"), (" 0 ", "0")])
def test_integers(raw, stored):
    assert ok(item("Age", "integer"), raw) == stored


@pytest.mark.parametrize("raw", ["7.5", "abc", "4 2", "1e3"])
def test_not_integers(raw):
    assert error(item("Age", "integer"), raw) == "Age must be a whole number, for example 42."


def test_integer_digits_length():
    assert ok(item("Count", "integer", length=3), "-999") == "-999"
    assert error(item("Count", "integer", length=3), "1000") == (
        "Count 1000 has 4 digits; at most 3 are allowed.")


@pytest.mark.parametrize("raw, stored", [("72.5", "72.5"), (".5", "0.5"), ("72", "72"), ("72.50", "72.50"),
                                         ("+1.", "1"), ("-0.25", "-0.25")])
def test_floats(raw, stored):
    assert ok(item("Weight", "float"), raw) == stored


@pytest.mark.parametrize("raw", ["72,5", "seventy", "1e3", "72.5kg", "."])
def test_not_floats(raw):
    assert error(item("Weight", "float"), raw) == "Weight must be a number, for example 72.5."


def test_float_significant_digits_are_digits_after_the_point():
    weight = item("Weight", "float", significant_digits=1)
    assert ok(weight, "72.5") == "72.5" and ok(weight, "72") == "72"
    assert error(weight, "72.55") == (
        "Weight 72.55 has 2 digits after the decimal point; at most 1 are allowed.")


@pytest.mark.parametrize("raw, stored", [("2024-02-29", "2024-02-29"), (" 2024-03-15", "2024-03-15")])
def test_dates(raw, stored):
    assert ok(item("Visit date", "date"), raw) == stored


def test_bad_dates():
    visit = item("Visit date", "date")
    assert error(visit, "15/03/2024") == (
        "Visit date must be a date as YYYY-MM-DD, for example 2024-03-15.")
    assert error(visit, "2023-02-29") == "Visit date 2023-02-29 is not a real date (check the day and month)."
    assert "YYYY-MM-DD" in error(visit, "2024-3-5")


@pytest.mark.parametrize("raw, stored", [
    ("2024", "2024"), ("2024-03", "2024-03"), ("2024-03-15", "2024-03-15"), ("2024-UN-UN", "2024"),
    ("2024-03-UN", "2024-03"), ("2024-unk-unk", "2024"), ("2024-UN", "2024"),
])
def test_partial_dates(raw, stored):
    assert ok(item("Onset", "partialDate"), raw) == stored


@pytest.mark.parametrize("raw", ["2024-UN-15", "24-03", "2024-3", "2024-13", "2023-02-29", "2024-03-15-01",
                                 "March 2024"])
def test_bad_partial_dates(raw):
    assert error(item("Onset", "partialDate"), raw).startswith("Onset ")


def test_partial_dates_fail_a_range_only_when_every_possible_date_would():
    onset = item("Onset", "partialDate", range_checks=(RangeCheck("GE", ("2024-06-01",), "Hard"),
                                                      RangeCheck("LE", ("today",), "Hard")))
    assert ok(onset, "2024") == "2024" and ok(onset, "2024-06") == "2024-06"
    assert error(onset, "2024-05") == "Onset 2024-05 is before the earliest 2024-06-01: correct it."
    assert error(onset, "2023") == "Onset 2023 is before the earliest 2024-06-01: correct it."
    assert ok(onset, "2026-11") == "2026-11"
    assert error(onset, "2026-12") == "Onset 2026-12 is after the latest today (2026-11-30): correct it."


@pytest.mark.parametrize("raw, stored", [("2024-03-15 14:30", "2024-03-15T14:30:00"),
                                         ("2024-03-15T14:30:45", "2024-03-15T14:30:45"),
                                         ("2024-03-15T14:30Z", "2024-03-15T14:30:00+00:00")])
def test_datetimes(raw, stored):
    assert ok(item("Sample taken", "datetime"), raw) == stored


def test_bad_datetimes():
    taken = item("Sample taken", "datetime")
    assert error(taken, "15/03/2024 14:30") == (
        "Sample taken must be a date and time as YYYY-MM-DD HH:MM, for example 2024-03-15 14:30.")
    assert "is not a real date and time" in error(taken, "2024-03-15 25:00")
    assert "YYYY-MM-DD HH:MM" in error(taken, "2024-03-15")


def test_times():
    visit = item("Visit time", "time")
    assert ok(visit, "14:30") == "14:30:00" and ok(visit, "00:00:59") == "00:00:59"
    for raw in ("24:00", "2:30", "14h30", "14:60"):
        assert error(visit, raw) == "Visit time must be a time as HH:MM (24-hour clock), for example 14:30."


@pytest.mark.parametrize("raw, stored", [("1", "1"), ("yes", "1"), ("TRUE", "1"), ("0", "0"), ("No", "0")])
def test_booleans(raw, stored):
    assert ok(item("Fasting", "boolean"), raw) == stored


def test_bad_boolean():
    assert error(item("Fasting", "boolean"), "maybe") == "Fasting must be yes or no (1 or 0)."


# -- codes and checkboxes -----------------------------------------------------------------------
def test_codes_must_be_in_the_codelist():
    sex = item("Sex", "integer", control="radio")
    assert ok(sex, "2", codes(("1", "Male"), ("2", "Female"))) == "2"
    assert error(sex, "3", codes(("1", "Male"), ("2", "Female"))) == (
        "Sex must be one of the choices: 1 (Male), 2 (Female).")
    assert error(sex, "Male", codes(("1", "Male"), ("2", "Female"))).startswith("Sex must be one of")
    assert ok(sex, "3") == "3"  # no code list given: codes are not checked


def test_checkbox_values_are_a_set_of_codes_in_codelist_order():
    race = item("Race", control="checkbox")
    cl = codes(("1", "White"), ("2", "Black"), ("3", "Asian"), ("98", "Other"))
    assert ok(race, "98,1", cl) == "1,98"
    assert ok(race, "3 | 1; 3", cl) == "1,3"
    assert ok(race, " ", cl) is None
    assert error(race, "1,7", cl) == (
        "Race: 7 is not among the choices 1 (White), 2 (Black), 3 (Asian), 98 (Other).")
    assert error(race, "7,9", cl).startswith("Race: 7, 9 are not among the choices")
    assert error(race, "1", None) == "Race has no choices defined."


# -- range checks -------------------------------------------------------------------------------
def test_a_soft_range_failure_is_a_warning_and_keeps_the_value():
    sbp = item("Systolic BP", "integer", range_checks=(RangeCheck("GE", ("80",)), RangeCheck("LE", ("220",))))
    assert warning(sbp, "250") == (
        "250", "Systolic BP 250 is above the usual maximum 220: check it or explain it.")
    assert warning(sbp, "79") == (
        "79", "Systolic BP 79 is below the usual minimum 80: check it or explain it.")
    assert ok(sbp, "220") == "220" and ok(sbp, "80") == "80"  # the bounds themselves pass


def test_a_hard_range_failure_refuses_the_value():
    sbp = item("Systolic BP", "integer", range_checks=(RangeCheck("LE", ("300",), "Hard"),
                                                      RangeCheck("LE", ("220",), "Soft")))
    assert error(sbp, "350") == "Systolic BP 350 is above the maximum 300: correct it."
    assert warning(sbp, "300")[1].startswith("Systolic BP 300 is above the usual maximum 220")


@pytest.mark.parametrize("comparator, values, passing, failing", [
    ("LT", ("10",), "9.99", "10"), ("LE", ("10",), "10", "10.01"),
    ("GT", ("0",), "0.1", "0"), ("GE", ("0",), "0", "-0.1"),
    ("EQ", ("5",), "5.0", "5.1"), ("NE", ("0",), "1", "0.0"),
    ("IN", ("1", "2"), "2", "3"), ("NOTIN", ("1", "2"), "3", "1"),
])
def test_comparators_compare_numbers_as_numbers(comparator, values, passing, failing):
    dose = item("Dose", "float", range_checks=(RangeCheck(comparator, values, "Hard"),))
    assert ok(dose, passing) == passing
    assert error(dose, failing).startswith(f"Dose {failing} ")


def test_date_and_time_ranges_read_today_and_now():
    visit = item("Visit date", "date", range_checks=(RangeCheck("LE", ("today",)),))
    assert ok(visit, "2026-11-30") == "2026-11-30"
    assert warning(visit, "2026-12-01")[1] == (
        "Visit date 2026-12-01 is after the usual latest today (2026-11-30): check it or explain it.")
    taken = item("Sample taken", "datetime", range_checks=(RangeCheck("LE", ("now",), "Hard"),))
    assert ok(taken, "2026-11-30 09:15") == "2026-11-30T09:15:00"
    assert "is after the latest now (2026-11-30T09:15:30)" in error(taken, "2026-11-30 09:16")
    clinic = item("Visit time", "time",
                  range_checks=(RangeCheck("GE", ("07:00",)), RangeCheck("LE", ("20:00",))))
    assert warning(clinic, "06:59")[1] == (
        "Visit time 06:59 is before the usual earliest 07:00: check it or explain it.")


def test_a_range_check_message_is_used_when_it_has_one():
    message = TranslatedText.of("Hb below 5: confirm with the lab.")
    hb = item("Hb", "float", range_checks=(RangeCheck("GE", ("5",), "Soft", message),))
    assert warning(hb, "4.2") == ("4.2", "Hb below 5: confirm with the lab.")


def test_a_bound_of_the_wrong_type_is_not_held_against_the_site():
    assert ok(item("Age", "integer", range_checks=(RangeCheck("LE", ("ten",), "Hard"),)), "11") == "11"


def test_ranges_are_not_checked_when_the_type_is_wrong():
    age = item("Age", "integer", range_checks=(RangeCheck("LE", ("120",), "Hard"),))
    assert check_value(age, "abc", now=NOW).errors == ("Age must be a whole number, for example 42.",)


# -- blanks and null flavours -------------------------------------------------------------------
def test_null_flavours_are_accepted_instead_of_a_value():
    weight = item("Weight", "float")
    check = check_value(weight, "UNK")
    assert (check.value, check.null_flavour, check.problems) == (None, "UNK", ())
    assert check_value(weight, "ND").null_flavour == "ND"
    refused = check_value(weight, "NASK", null_flavours=("UNK",))
    assert refused.errors == ("Weight cannot be recorded as NASK (Not asked) here: enter a value.",)
    assert error(weight, "unk") == "Weight must be a number, for example 72.5."  # flavours are upper case


def test_a_code_that_looks_like_a_null_flavour_is_a_code():
    answer = item("Answer", control="radio")
    check = check_value(answer, "NA", codes(("Y", "Yes"), ("NA", "Not applicable")))
    assert (check.value, check.null_flavour) == ("NA", None)


def test_blanks_and_required_fields():
    assert check_value(item("Weight", "float"), "  ").problems == ()
    assert check_value(item("Weight", "float"), None).value is None
    assert warning(item("Weight", "float"), "", required=True) == (
        None, "Weight is required: enter it, or record why it is missing (for example UNK).")
    assert ok(item("Note", control="descriptive"), "", required=True) is None


def test_the_label_is_the_question_text_or_the_name():
    assert error(item("<b>weight</b>  (kg)", "float"), "x").startswith("Weight (kg) must be")
    assert error(item("", "float"), "x").startswith("X must be")
    assert error(item("A" * 61, "float"), "x").startswith("X must be")


# -- with a dictionary's items ------------------------------------------------------------------
def test_items_read_from_a_redcap_dictionary():
    version = read_dictionary(SAMPLE)

    def check(variable, raw):
        it = version.item_by_variable(variable)
        return check_value(it, raw, version.codelist(it.codelist_oid), now=NOW)

    assert check("sbp", "250").warnings == (
        "Systolic BP 250 is above the usual maximum 220: check it or explain it.",)
    assert check("weight", "72.55").errors == (
        "Weight (kg) 72.55 has 2 digits after the decimal point; at most 1 are allowed.",)
    assert check("race", "98,2").value == "2,98"
    assert check("pregnant", "1").value == "1" and not check("pregnant", "2").ok
    assert check("consent_date", "2027-01-01").warnings[0].endswith("check it or explain it.")
    assert check("email", "ana@example").errors
