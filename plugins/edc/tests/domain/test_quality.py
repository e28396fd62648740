"""The data quality rules: one planted violation per rule A to H gives exactly one finding each;
custom rules in the REDCap syntax find the records where they are TRUE."""
from collections import Counter

import pytest

from plugins.edc.domain.dictionary import EVENT_OID, read_dictionary
from plugins.edc.domain.expressions import ExpressionError, parse
from plugins.edc.domain.quality import RULES, CustomRule, FormData, run_custom, run_rules

from .redcap_sample import with_rows

ROWS = """\
record_id,visit,,text,"Record ID",,,,,,,,,,,,,
note,visit,,text,Note,,,,,,,,,,,,,
visit_date,visit,,text,"Visit date",,,date_ymd,,,,,y,,,,,
sbp,visit,,text,"Systolic BP",,,integer,80,220,,,,,,,,
hr,visit,,text,"Heart rate",,,integer,,,,,,,,,,
smoker,visit,,dropdown,Smoker,"0, Never | 1, Former | 2, Current",,,,,,,,,,,,
cig,visit,,text,Cigarettes,,,integer,,,,"[smoker] = '2'",,,,,,
weight,visit,,text,Weight,,,number_1dp,,,,,,,,,,
height,visit,,text,Height,,,integer,,,,,,,,,,
bmi,visit,,calc,BMI,"round([weight]*10000/([height]*[height]),1)",,,,,,,,,,,,
"""
BMI = parse("round([weight]*10000/([height]*[height]),1)")


@pytest.fixture(scope="module")
def version():
    return read_dictionary(with_rows(ROWS), version_oid="MDV.Q")


def clean(n: int) -> dict[str, str]:
    """Subject n's values, all correct and unremarkable."""
    values = {"record_id": f"S{n}", "note": "ok", "visit_date": f"2025-01-{n + 10:02d}",
              "sbp": str(90 + 18 * n), "hr": str(60 + 4 * n), "smoker": "0",
              "weight": f"{50 + 10 * n}.0", "height": str(150 + 5 * n)}
    values["bmi"] = f"{BMI.evaluate_number(values):g}"
    return values


def form(version, n: int, values: dict[str, str]) -> FormData:
    return FormData(version, f"S{n}", EVENT_OID, "F.visit",
                    {("IG.visit", 1, f"IT.{name}"): value for name, value in values.items()},
                    subject_ref=n, form_ref=100 + n)


#: one violation per rule, each in its own subject
PLANTED = {
    "A": ("note", None),
    "B": ("visit_date", None),
    "C": ("visit_date", "2025-02-30"),
    "D": ("sbp", "221"),
    "E": ("hr", "200"),
    "F": ("cig", "10"),
    "G": ("smoker", "7"),
    "H": ("bmi", "36.1"),  # its weight and height give 35.1
}


def planted(version, rules=PLANTED):
    forms = []
    for n, (rule, (name, value)) in enumerate(rules.items()):
        values = clean(n)
        values[name] = value
        forms.append(form(version, n, values))
    return forms


def test_clean_data_has_no_finding(version):
    assert run_rules([form(version, n, clean(n)) for n in range(8)]) == []


def test_one_planted_violation_per_rule_gives_exactly_one_finding_each(version):
    findings = run_rules(planted(version))
    assert Counter(f.rule for f in findings) == {rule: 1 for rule in RULES}
    for finding in findings:
        n = list(PLANTED).index(finding.rule)
        assert (finding.subject, finding.item) == (f"S{n}", f"IT.{PLANTED[finding.rule][0]}"), finding
        assert (finding.event, finding.form, finding.group, finding.repeat) == (EVENT_OID, "F.visit", "IG.visit", 1)
        assert finding.subject_ref == n and finding.form_ref == 100 + n and finding.message


def test_messages_say_what_is_wrong(version):
    by_rule = {f.rule: f.message for f in run_rules(planted(version))}
    assert "required" in by_rule["B"]
    assert "220" in by_rule["D"]
    assert "standard deviations" in by_rule["E"]
    assert "hides" in by_rule["F"]
    assert "7" in by_rule["G"] and "0, 1, 2" in by_rule["G"]
    assert "36.1" in by_rule["H"] and "35.1" in by_rule["H"]


def test_rules_can_be_run_one_at_a_time(version):
    assert [f.rule for f in run_rules(planted(version), ["F"])] == ["F"]


def test_a_null_flavour_is_not_blank_and_shown_items_only_count(version):
    values = clean(1)
    values["visit_date"] = None
    data = FormData(version, "S1", EVENT_OID, "F.visit",
                    {("IG.visit", 1, f"IT.{k}"): v for k, v in values.items()},
                    null_flavours={("IG.visit", 1, "IT.visit_date"): "UNK"})
    assert run_rules([data]) == [], "UNK is recorded; cig is hidden for a non-smoker, so not blank"


def test_outliers_need_three_values(version):
    forms = [form(version, n, clean(n)) for n in range(2)]
    assert run_rules(forms, ["E"]) == []


def test_a_custom_rule_finds_the_records_where_it_is_true(version):
    forms = [form(version, n, clean(n)) for n in range(8)]
    rule = CustomRule("R1", "Tachycardia with high blood pressure", "[hr] > 80 and [sbp] >= 195")
    found = run_custom(rule, forms)
    assert [(f.rule, f.subject, f.event, f.message) for f in found] == [
        ("R1", "S6", EVENT_OID, rule.name), ("R1", "S7", EVENT_OID, rule.name)]
    cross = CustomRule("R2", "Heavy", "[event_1][weight] > 115")
    assert [f.subject for f in run_custom(cross, forms)] == ["S7"]


def test_a_custom_rule_that_does_not_parse_is_refused(version):
    with pytest.raises(ExpressionError):
        run_custom(CustomRule("R3", "Broken", "[hr] >"), [form(version, 1, clean(1))])
