"""The REDCap expression language: golden calculations, REDCap's blank semantics, errors, limits."""
from __future__ import annotations

import builtins
from datetime import date, datetime

import pytest

from plugins.edc.domain.expressions import MAX_DEPTH, Expression, ExpressionError, parse, validate


def value(text, values=None, **options):
    return parse(text).evaluate(values or {}, **options)


# -- golden calculations --------------------------------------------------------------------------
def test_bmi_golden():
    bmi = parse("[weight]*10000/([height]*[height])")
    assert bmi.evaluate_number({"weight": "70", "height": "175"}) == pytest.approx(22.857142857142858)
    assert value("round([weight]*10000/([height]*[height]),2)", {"weight": "70", "height": "175"}) == 22.86
    assert bmi.fields == {(None, "weight"), (None, "height")}


@pytest.mark.parametrize("sex, age, expected", [
    ("0", "18", True), ("0", "17", False), ("1", "40", False), ("0", "", False), ("", "30", False),
    ("0", "18.0", True),
])
def test_branching_sex_and_age(sex, age, expected):
    assert parse('[sex]="0" and [age]>=18').evaluate_bool({"sex": sex, "age": age}) is expected


def test_datediff_leap_day_counts():
    assert value('datediff("2024-02-28","2024-03-01","d")') == 2
    assert value('datediff("2023-02-28","2023-03-01","d")') == 1


def test_datediff_years_across_a_leap_year():
    dates = {"dob": "2023-03-01", "visit": "2024-03-01"}   # 366 days, 29 Feb 2024 between
    assert value('datediff([dob],[visit],"y")', dates) == pytest.approx(366 / 365.2425)
    assert value('rounddown(datediff([dob],[visit],"y"))', dates) == 1
    born_on_leap_day = {"dob": "2000-02-29", "visit": "2024-02-28"}
    assert value('rounddown(datediff([dob],[visit],"y"))', born_on_leap_day) == 23
    assert value('datediff([dob],[visit],"M")', dates) == pytest.approx(366 / 30.44)


def test_datediff_sign_units_formats_and_today():
    assert value('datediff("2024-03-01","2024-02-28","d")') == 2            # unsigned by default
    assert value('datediff("2024-03-01","2024-02-28","d",true)') == -2
    assert value('datediff("2024-03-01","2024-02-28","d","ymd",true)') == -2
    assert value('datediff("01-03-2024","2024-03-02","d","dmy")') == 1
    assert value('datediff("2024-01-01 08:00","2024-01-01 09:30","m")') == 90
    assert value('datediff("2024-01-01 08:00:00","2024-01-02 08:00:30","s")') == 86430
    assert value('datediff("2024-01-01","2024-01-02","h")') == 24
    assert value('datediff([dob],"today","d")', {"dob": "2024-01-01"}, today=date(2024, 1, 31)) == 30
    assert value('datediff([dob],"today","d")', {"dob": ""}) is None
    assert value('datediff("2024-02-30","2024-03-01","d")') is None        # not a date
    with pytest.raises(ExpressionError, match="argument 3"):
        parse('datediff("2024-01-01","2024-01-02","weeks")')


# -- functions ------------------------------------------------------------------------------------
def test_rounding():
    assert value("round(2.5)") == 3
    assert value("round(2.675, 2)") == 2.68                                  # half up, as REDCap
    assert value("round(1234, -2)") == 1200
    assert value("roundup(1.21, 1)") == 1.3
    assert value("rounddown(1.29, 1)") == 1.2
    assert value("round([x], 1)", {"x": ""}) is None


def test_aggregates_ignore_blanks():
    values = {"a": "1", "b": "", "c": "4", "d": None}
    assert value("sum([a],[b],[c],[d])", values) == 5
    assert value("mean([a],[b],[c],[d])", values) == 2.5
    assert value("min([a],[b],[c])", values) == 1
    assert value("max([a],[b],[c])", values) == 4
    assert value("median([a],[b],[c])", values) == 2.5
    assert value("stdev(2,4,4,4,5,5,7,9)") == pytest.approx(2.138089935)
    assert value("sum([b],[d])", values) is None
    assert value("[a]+[b]+[c]", values) is None                              # but arithmetic is blank


def test_other_functions():
    assert value("sqrt(16)") == 4 and value("sqrt(-1)") is None and value("abs(-3)") == 3
    assert value('if([a]=1, "yes", "no")', {"a": "1"}) == "yes"
    assert value('if([a]=1, "yes", 1/0)', {"a": "2"}) is None
    assert value("isnumber([a])", {"a": "1.5"}) is True
    assert value("isnumber([a])", {"a": "abc"}) is False
    assert value("isinteger([a])", {"a": "3"}) is True
    assert value("isblankormissingcode([a])", {"a": "NASK"}) is True
    assert value("isblankormissingcode([a])", {"a": ""}) is True
    assert value("isblankormissingcode([a])", {"a": "0"}) is False
    assert value('contains([t], "PAIN")', {"t": "Chest pain"}) is True
    assert value('starts_with([t], "chest")', {"t": "Chest pain"}) is True
    assert value("ends_with([t], 'x')", {"t": "Chest pain"}) is False
    assert value("ROUND(1.26, 1)") == 1.3                                    # names ignore case


# -- references -----------------------------------------------------------------------------------
@pytest.mark.parametrize("race", [{"2", "3"}, ["2"], ("2",), {"1": "0", "2": "1"}, {2: True}, "2,3"])
def test_checkbox_checked(race):
    assert parse('[race(2)]="1"').evaluate_bool({"race": race})
    assert parse("[race(2)]").evaluate_bool({"race": race})


def test_checkbox_unchecked_and_export_columns():
    assert parse('[race(2)]="0"').evaluate_bool({"race": {"1"}})
    assert parse('[race(2)]="0"').evaluate_bool({})                         # never blank
    assert parse('[race(2)]="1"').evaluate_bool({"race___2": "1"})
    assert value("[race(1)]+[race(2)]", {"race": ["1", "2"]}) == 2
    with pytest.raises(ExpressionError, match=r"\[race\(code\)\]"):
        value("[race]", {"race": {"1"}})


def test_cross_event_reference():
    expression = parse("[visit_2_arm_1][weight] - [weight]")
    assert expression.fields == {("visit_2_arm_1", "weight"), (None, "weight")}
    stored = {("visit_2_arm_1", "weight"): "72"}

    def lookup(event, variable):
        return stored.get((event, variable))

    assert expression.evaluate({"weight": "70"}, event="baseline_arm_1", lookup=lookup) == 2
    assert expression.evaluate({"weight": "70"}, event="visit_2_arm_1") == 0   # the current event
    with pytest.raises(ExpressionError, match="no lookup"):
        expression.evaluate({"weight": "70"}, event="baseline_arm_1")


# -- REDCap's blanks and comparisons --------------------------------------------------------------
def test_blank_propagation():
    calc = parse("[a]*2+1")
    assert calc.evaluate({"a": ""}) is None
    assert calc.evaluate({}) is None
    assert calc.evaluate_number({"a": "  "}) is None
    assert calc.evaluate_number({"a": "3"}) == 7
    assert value("[a]/[b]", {"a": "1", "b": "0"}) is None                   # no ZeroDivisionError
    assert value("-[a]", {"a": ""}) is None
    assert value("[a]*2", {"a": "abc"}) is None


def test_blank_comparisons():
    assert value('[x]=""', {"x": ""}) is True
    assert value('[x]=""', {}) is True
    assert value('[x]<>""', {"x": "0"}) is True
    assert value("[x]=0", {"x": ""}) is False                               # a blank is not 0
    assert value("[x]<5", {"x": ""}) is False
    assert value("[x]>5", {"x": ""}) is False
    assert value("[x]<>5", {"x": ""}) is True
    assert parse("[x]").evaluate_bool({"x": ""}) is False


def test_number_like_text_compares_as_numbers():
    assert value("[a]>[b]", {"a": "10", "b": "9"}) is True
    assert value('[a]="1"', {"a": "01"}) is True
    assert value('[a]="1.0"', {"a": "1"}) is True
    assert value('[a]="yes"', {"a": "yes"}) is True
    assert value("[d]>'2024-01-01'", {"d": "2024-02-01"}) is True


# -- grammar --------------------------------------------------------------------------------------
def test_precedence():
    assert value("2+3*4^2") == 50
    assert value("-2^2") == -4
    assert value("2^3^2") == 512
    assert value("10-4-3") == 3
    assert value("12/3/2") == 2
    assert value("(2+3)*4") == 20


@pytest.mark.parametrize("a, b, expected", [("1", "1", False), ("1", "2", True), ("0", "1", True),
                                            ("0", "2", True), ("1", "", False), ("", "", True)])
def test_not_binds_tighter_than_or_looser_than_comparison(a, b, expected):
    # (not ([a]=1)) or ([b]=2)
    assert parse("not [a]=1 or [b]=2").evaluate_bool({"a": a, "b": b}) is expected


def test_keywords_ignore_case_and_symbols():
    values = {"a": "1", "b": "2"}
    assert value("[a]=1 AND [b]=2", values) is True
    assert value("[a]=2 Or [b]=2", values) is True
    assert value("NOT [a]=2 && [b]=2", values) is True
    assert value("[a]=2 || [b]<>2", values) is False
    assert value("[a]==1 and [b]!=1", values) is True
    assert value("[a]=1 and\n[b]>=2 or true", values) is True


@pytest.mark.parametrize("text, column", [
    ("[weight] * (2))", 15),
    ("1 +", 4),
    ("[a] = = 1", 7),
    ("1 < 2 < 3", 7),
])
def test_syntax_errors_name_the_column(text, column):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.column == column
    assert f"column {column}" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_syntax_error_message():
    with pytest.raises(ExpressionError, match=r"^Unexpected '\)' at column 15$"):
        parse("[weight] * (2))")
    with pytest.raises(ExpressionError, match="line 2, column 5"):
        parse("[a]=1 and\n[b]=)")
    with pytest.raises(ExpressionError, match="missing '\\)'"):
        parse("round([a]")
    with pytest.raises(ExpressionError, match="Empty"):
        parse("  ")


def test_unknown_function_and_wrong_arity():
    with pytest.raises(ExpressionError, match="Unknown function 'frobnicate' at column 5"):
        parse("1 + frobnicate([a])")
    with pytest.raises(ExpressionError, match=r"round\(\) at column 1 takes 1 to 2 arguments, not 3"):
        parse("round(1, 2, 3)")
    with pytest.raises(ExpressionError, match="Unknown name 'weight'"):
        parse("weight * 2")


@pytest.mark.parametrize("text", [
    "__import__('os')", "[a].__class__", "().__class__", "eval('1')", "open('/etc/passwd')",
    "[a]; import os", "lambda: 1", "[a][b][c]", "[a](1)", "'a'.upper()", "[a b]", "[a]#",
])
def test_python_does_not_get_through(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_no_eval_or_exec(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    assert parse("round(sum([a],[b])*1.5, 1) + 0").evaluate({"a": "1", "b": "2"}) == 4.5


def test_deep_nesting_is_refused_cleanly():
    for text in ["(" * 2000 + "1" + ")" * 2000, "-" * 2000 + "1", "not " * 500 + "[a]",
                 "round(" * 150 + "1" + ")" * 150, "2^" * 500 + "2"]:
        with pytest.raises(ExpressionError, match="nested too deeply"):
            parse(text)
    assert value("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH) == 1
    with pytest.raises(ExpressionError, match="too long"):
        parse("[a]+" * 5000 + "1")


def test_long_flat_expressions_are_fine():
    total = parse("+".join(f"[q{i}]" for i in range(300)))
    assert total.evaluate({f"q{i}": "1" for i in range(300)}) == 300
    assert len(total.fields) == 300


# -- API ------------------------------------------------------------------------------------------
def test_parse_is_cached_and_expressions_compare_by_text():
    assert parse("[a]+1") is parse("[a]+1")
    assert parse("[a]+1") == Expression("[a]+1")
    assert repr(parse("[a]+1")) == "Expression('[a]+1')"
    assert parse("round([a],1)").functions == {"round"}
    reference = parse("1 + [ev][race(3)]").references[0]
    assert (reference.event, reference.variable, reference.code, reference.column) == ("ev", "race", "3", 5)


def test_validate():
    known = {"weight", "height", "race"}
    assert validate("[weight]/[height]", known) == []
    assert validate("[wieght]/[height]", known) == ["Unknown field [wieght] at column 1"]
    assert validate("[visit_9][weight]", known, {"visit_1"}) == ["Unknown event [visit_9] at column 1"]
    assert validate("[visit_9][weight]", known) == []                       # events unchecked
    assert validate("[weight] +", known) == ["Unexpected end of expression at column 11"]
    codes = {"race": ("1", "2")}
    assert validate("[race(2)] + [race(1)]", known, checkbox_codes=codes) == []
    assert "no option 9" in validate("[race(9)]", known, checkbox_codes=codes)[0]
    assert "not a checkbox" in validate("[weight(1)]", known, checkbox_codes=codes)[0]
    assert "is a checkbox" in validate("[race]", known, checkbox_codes=codes)[0]
    with pytest.raises(ExpressionError, match=r"Unknown field \[bmi\]"):
        validate("[bmi] > 30", known, strict=True)
    with pytest.raises(ExpressionError, match="Unknown function"):
        validate("bmi([weight])", known, strict=True)


def test_evaluate_number_and_bool():
    assert parse("[a]").evaluate_number({"a": "2.5"}) == 2.5
    assert parse("[a]").evaluate_number({"a": "n/a"}) is None
    assert parse("[a]>1").evaluate_number({"a": "2"}) == 1
    assert parse("[a]").evaluate_bool({"a": "0"}) is False
    assert parse("[a]").evaluate_bool({"a": "yes"}) is True
    assert parse('"text"').evaluate({}) == "text"
    assert parse("[d]").evaluate({"d": datetime(2024, 1, 1)}) == datetime(2024, 1, 1)
