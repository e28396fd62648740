"""Schemes: every problem named at once, settings that do not apply refused, a lossless round trip."""
import pytest

from plugins.rtsm.domain.schemes import (
    SchemeConfig,
    SchemeProblems,
    factor_problems,
    missing_factors,
    parse_scheme,
    strata_of,
    stratum_key,
    subject_levels,
)

SITES = ["S01", "S02"]


def arms(*ratios):
    return [{"code": f"ARM{i}", "name": f"Arm {i}", "ratio": r} for i, r in enumerate(ratios)]


def problems_of(arm_list, scheme, sites=SITES) -> list[tuple[str | None, str]]:
    with pytest.raises(SchemeProblems) as caught:
        parse_scheme(arm_list, sites, scheme)
    assert str(caught.value)  # the exception's text carries the sentences too
    return caught.value.problems


def messages(problems) -> list[str]:
    return [message for _, message in problems]


STRATIFIED = {"type": "stratified_block", "block_sizes": [4, 8], "strata": ["site", "sex"],
              "factors": {"sex": ["F", "M"]}}
MINIMIZATION = {"type": "minimization", "factors": {"site": [], "sex": ["F", "M"], "age": ["<65", ">=65"]},
                "weights": {"sex": 2}, "p": 0.85, "imbalance": "variance"}


# -- valid schemes ------------------------------------------------------------------------------
def test_a_simple_scheme_needs_only_arms():
    config = parse_scheme(arms(2, 1), [], {"type": "simple"})
    assert (config.type, config.ratio_sum, config.ratio_label) == ("simple", 3, "2:1")
    assert config.list_length == 200


def test_form_strings_are_read_as_numbers():
    config = parse_scheme(arms("2", "1"), [], {"type": "block", "block_sizes": ["3", "6"], "list_length": "50"})
    assert (config.arms[0].ratio, config.block_sizes, config.list_length) == (2, (3, 6), 50)


def test_minimization_defaults_weights_to_one_and_keeps_site_as_the_studys_sites():
    config = parse_scheme(arms(1, 1), SITES, MINIMIZATION)
    assert config.weights == {"site": 1.0, "sex": 2.0, "age": 1.0}
    assert config.factors["site"] == ()
    assert config.levels("site", ["S01", "S09"]) == ("S01", "S09")
    assert (config.p, config.imbalance) == (0.85, "variance")


@pytest.mark.parametrize("scheme", [{"type": "simple"}, {"type": "block", "block_sizes": [2, 4]},
                                    STRATIFIED, MINIMIZATION])
def test_a_config_round_trips_through_json(scheme):
    config = parse_scheme(arms(1, 1), SITES, scheme)
    assert SchemeConfig.from_json(config.to_json()) == config


def test_configs_are_hashable_values():
    one, two = (parse_scheme(arms(1, 1), SITES, MINIMIZATION) for _ in range(2))
    assert one == two and hash(one) == hash(two) and len({one, two}) == 1


def test_site_codes_are_checked():
    assert problems_of(arms(1, 1), STRATIFIED, sites=["S01", "S01", "A|B"]) == [
        ("sites", "Site code 'S01' is listed twice."),
        ("sites", "A site code 'A|B' may not contain |."),
    ]


def test_the_json_form_is_plain_json():
    import json

    config = parse_scheme(arms(2, 1), SITES, MINIMIZATION)
    assert SchemeConfig.from_json(json.loads(json.dumps(config.to_json()))) == config


# -- every problem at once ----------------------------------------------------------------------
def test_three_problems_are_reported_together():
    found = problems_of(
        [{"code": "A", "name": "Drug", "ratio": 0}, {"code": "A", "name": "Placebo", "ratio": 1}],
        {"type": "minimization", "factors": {"sex": ["F", "M"]}, "p": 1.5},
    )
    assert [path for path, _ in found] == ["arms[0].ratio", "arms[1].code", "scheme.p"]


def test_block_size_not_a_multiple_of_the_ratio_sum():
    found = problems_of(arms(2, 1), {"type": "block", "block_sizes": [3, 5, 6]})
    assert found == [("scheme.block_sizes", "Block size 5 is not a multiple of the ratio sum 3 (2:1).")]


def test_block_sizes_are_required_bounded_positive_and_distinct():
    assert messages(problems_of(arms(1, 1), {"type": "block"})) == [
        "A block scheme needs block_sizes, for example [4, 6] (multiples of the ratio sum 2)."]
    found = messages(problems_of(arms(1, 1), {"type": "block", "block_sizes": [0, "x", 102, 4, 4, 6, 8]}))
    assert found == [
        "At most 6 block sizes; 7 given.",
        "Block size 0 is not a positive whole number.",
        "Block size 'x' is not a positive whole number.",
        "Block size 102 is larger than 100.",
        "Block size 4 is listed twice.",
    ]


def test_unknown_strata_factor():
    scheme = {**STRATIFIED, "strata": ["site", "region"]}
    assert problems_of(arms(1, 1), scheme) == [
        ("scheme.strata", "Stratum 'region' is neither \"site\" nor a declared factor (declared: sex)."),
        ("scheme.factors.sex", "Factor sex is declared but not used in scheme.strata."),
    ]


def test_stratifying_by_site_needs_a_site():
    assert ("scheme.strata", "Stratifying by site needs at least one site in the study.") in problems_of(
        arms(1, 1), STRATIFIED, sites=[])


@pytest.mark.parametrize("p", [0.4, 1.01, "often", True])
def test_p_out_of_range(p):
    assert problems_of(arms(1, 1), {**MINIMIZATION, "p": p}) == [
        ("scheme.p", f"p must be a number from 0.5 to 1; got {p!r}.")]


def test_p_at_the_bounds_is_accepted():
    assert parse_scheme(arms(1, 1), SITES, {**MINIMIZATION, "p": 0.5}).p == 0.5
    assert parse_scheme(arms(1, 1), SITES, {**MINIMIZATION, "p": 1}).p == 1.0


def test_arms_are_checked_one_by_one():
    found = problems_of([{"code": "", "name": "", "ratio": 21}, "B", {"code": "X" * 21, "name": "Y", "ratio": 1.5}],
                        {"type": "simple"})
    assert found == [
        ("arms[0].code", "Arm 1 needs a code."),
        ("arms[0].name", "Arm 1 needs a name."),
        ("arms[0].ratio", "The ratio of arm 1 must be a whole number from 1 to 20; got 21."),
        ("arms[1]", "Arm 2 must have a code, a name and a ratio."),
        ("arms[2].code", f"Arm code {'X' * 21!r} is longer than 20 characters."),
        ("arms[2].ratio", f"The ratio of arm {'X' * 21} must be a whole number from 1 to 20; got 1.5."),
    ]


def test_one_arm_is_not_a_trial():
    assert problems_of(arms(1), {"type": "simple"}) == [("arms", "A scheme needs at least 2 arms; 1 given.")]


def test_settings_that_do_not_apply_are_refused_by_name():
    found = problems_of(arms(1, 1), {"type": "simple", "block_sizes": [2], "p": 0.9, "colour": "red"})
    assert found == [
        ("scheme.colour", "Unknown scheme setting 'colour'."),
        ("scheme.block_sizes", "block_sizes applies only to block schemes (block, stratified_block)."),
        ("scheme.p", "p applies only to minimization schemes."),
    ]
    assert problems_of(arms(1, 1), {**MINIMIZATION, "list_length": 10}) == [
        ("scheme.list_length", "list_length applies only to list schemes (simple, block, stratified_block).")]


@pytest.mark.parametrize("kind, message", [
    (None, "Choose a scheme type: simple, block, stratified_block or minimization."),
    ("urn", "Unknown scheme type 'urn'; choose simple, block, stratified_block or minimization."),
])
def test_the_type_is_required_and_known(kind, message):
    assert problems_of(arms(1, 1), {"type": kind}) == [("scheme.type", message)]


def test_factors_need_two_distinct_levels_and_clean_names():
    found = problems_of(arms(1, 1), {"type": "minimization", "factors": {
        "sex": ["F", "F"], "a|b": ["x", "y"], "stage": ["I", "II|III", ""]}})
    assert found == [
        ("scheme.factors.sex", "Factor sex lists the level 'F' twice."),
        ("scheme.factors.sex", "Factor sex needs at least 2 distinct levels; 1 given."),
        ("scheme.factors.a|b", "A factor name 'a|b' may not contain | or =."),
        ("scheme.factors.stage", "A level of factor stage 'II|III' may not contain |."),
        ("scheme.factors.stage", "A level of factor stage must be a non-empty text."),
        ("scheme.factors.stage", "Factor stage needs at least 2 distinct levels; 1 given."),
    ]


def test_minimization_needs_a_factor_and_site_needs_sites():
    assert messages(problems_of(arms(1, 1), {"type": "minimization"}))[0].startswith(
        "A minimization scheme needs at least one factor")
    assert problems_of(arms(1, 1), {"type": "minimization", "factors": {"site": []}}, sites=[]) == [
        ("scheme.factors.site", "The factor site means the study's sites, and the study has none yet.")]


def test_weights_must_name_declared_factors_and_be_positive():
    found = problems_of(arms(1, 1), {**MINIMIZATION, "weights": {"sex": 0, "bmi": 1, "age": "heavy"}})
    assert found == [
        ("scheme.weights.sex", "The weight of sex must be a number greater than 0 and at most 1000; got 0."),
        ("scheme.weights", "A weight is given for 'bmi', which is not a declared factor."),
        ("scheme.weights.age", "The weight of age must be a number greater than 0 and at most 1000; got 'heavy'."),
    ]


def test_imbalance_is_range_or_variance():
    assert problems_of(arms(1, 1), {**MINIMIZATION, "imbalance": "entropy"}) == [
        ("scheme.imbalance", "imbalance must be \"range\" or \"variance\"; got 'entropy'.")]


# -- strata and a subject's factors -------------------------------------------------------------
def test_stratum_keys_follow_the_order_of_strata():
    config = parse_scheme(arms(1, 1), SITES, {**STRATIFIED, "strata": ["sex", "site"]})
    assert stratum_key(config, "S01", {"sex": "F"}) == "sex=F|site=S01"
    assert strata_of(config, SITES) == ["sex=F|site=S01", "sex=F|site=S02", "sex=M|site=S01", "sex=M|site=S02"]


def test_unstratified_schemes_have_one_stratum():
    config = parse_scheme(arms(1, 1), SITES, MINIMIZATION)
    assert stratum_key(config, "S01", {"sex": "F", "age": "<65"}) == ""
    assert strata_of(config, SITES) == [""]


def test_factor_problems_name_the_missing_and_the_unknown():
    config = parse_scheme(arms(1, 1), SITES, MINIMIZATION)
    assert missing_factors(config, {"sex": "F"}) == ["age"]
    assert factor_problems(config, "", {"sex": "X", "bmi": "30"}) == [
        ("site", "The subject's site is required to randomize under this scheme."),
        ("factors.bmi", "bmi is not a factor of this scheme."),
        ("factors.sex", "'X' is not a level of sex (one of F, M)."),
        ("factors.age", "age is required (one of <65, >=65)."),
    ]
    assert factor_problems(config, "S01", {"sex": "F", "age": ">=65"}) == []
    assert subject_levels(config, "S01", {"sex": "F", "age": ">=65"}) == {"site": "S01", "sex": "F", "age": ">=65"}


def test_a_site_factor_with_explicit_levels_checks_the_site():
    config = parse_scheme(arms(1, 1), SITES, {"type": "minimization", "factors": {"site": ["S01", "S02"]}})
    assert factor_problems(config, "S07", {}) == [
        ("site", "Site 'S07' is not a level of the factor site (S01, S02).")]
    assert factor_problems(config, "S01", {"site": "S02"}) == [
        ("factors.site", "The factor site must be the subject's own site.")]
