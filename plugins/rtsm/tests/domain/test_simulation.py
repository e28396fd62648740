"""Plan simulation: minimization beats simple randomization; measures, limits and the speed figure."""
import pytest

from plugins.rtsm.domain.schemes import parse_scheme
from plugins.rtsm.domain.simulation import quantile, randomize_in_process, simulate

SITES = ["S01", "S02", "S03", "S04"]
SEED = bytes(range(32))
FACTORS = {"site": [], "sex": ["F", "M"], "age": ["<65", ">=65"]}


def config(ratios=(1, 1), **scheme):
    arms = [{"code": code, "name": f"Arm {code}", "ratio": r} for code, r in zip("ABC", ratios)]
    return parse_scheme(arms, SITES, scheme)


MINIMIZATION = config(type="minimization", factors=FACTORS, p=0.85)
SIMPLE = config(type="simple")


def test_minimization_keeps_the_largest_marginal_imbalance_below_simple_randomization():
    """200 trials of 100 subjects over 3 factors (site, sex, age), the same subjects for both
    schemes trial by trial; "below" is strict: a tie counts as a failure."""
    minimized = simulate(MINIMIZATION, SITES, 100, seed=SEED, trials=200)
    simple = simulate(SIMPLE, SITES, 100, seed=SEED, trials=200, factors=MINIMIZATION.factors)
    strictly_below = sum(m < s for m, s in zip(minimized.final_imbalances, simple.final_imbalances))
    assert strictly_below >= 0.95 * 200
    assert minimized.p95_imbalance < simple.median_imbalance


def test_both_schemes_saw_the_same_subjects():
    minimized = simulate(MINIMIZATION, SITES, 50, seed=SEED)
    simple = simulate(SIMPLE, SITES, 50, seed=SEED, factors=MINIMIZATION.factors)
    assert set(minimized.factor_imbalance) == set(simple.factor_imbalance) == {"site", "sex", "age"}


def test_a_simulation_is_reproducible_from_its_seed():
    first = simulate(MINIMIZATION, SITES, 60, seed=SEED, trials=3)
    assert simulate(MINIMIZATION, SITES, 60, seed=SEED, trials=3) == first
    assert simulate(MINIMIZATION, SITES, 60, seed=bytes(32), trials=3) != first


def test_the_result_reports_totals_factors_progression_and_quantiles():
    result = simulate(config(type="block", block_sizes=[2, 4]), SITES, 250, seed=SEED, trials=4)
    assert sum(result.totals.values()) == 1000
    assert abs(result.totals["A"] - result.totals["B"]) <= 4 * 2  # at most half a block per trial
    assert set(result.factor_imbalance) == {"site"}
    assert len(result.progression) == len(result.marginal_progression) == 100
    assert result.progression[0][0] == 2 and result.progression[-1][0] == 250
    assert [n for n, _ in result.progression] == sorted({n for n, _ in result.progression})
    assert len(result.final_imbalances) == 4
    assert result.median_imbalance == quantile(list(result.final_imbalances), 0.5)
    assert result.to_json()["progression"][-1] == [250, result.progression[-1][1]]


def test_a_short_simulation_charts_every_subject_and_one_trial_has_no_quantiles():
    result = simulate(SIMPLE, [], 30, seed=SEED)
    assert [n for n, _ in result.progression] == list(range(1, 31))
    assert result.factor_imbalance == {}
    assert result.final_imbalances == (result.progression[-1][1],)  # no factors: the overall imbalance
    assert (result.median_imbalance, result.p95_imbalance) == (None, None)


def test_a_stratified_scheme_is_balanced_within_every_stratum():
    stratified = config(type="stratified_block", block_sizes=[2, 4], strata=["site", "sex"],
                        factors={"sex": ["F", "M"]}, list_length=10)
    result = simulate(stratified, SITES, 400, seed=SEED, trials=5)
    # 8 strata, each at most half a block (2) off: a level gathers at most 4 strata
    assert max(result.factor_imbalance.values()) <= 8
    assert max(result.final_imbalances) <= 8
    assert result.progression[-1][1] <= 16


def test_unequal_ratios_are_measured_on_count_over_ratio():
    result = simulate(config(ratios=(2, 1), type="block", block_sizes=[3]), [], 300, seed=SEED)
    assert result.totals == {"A": 200, "B": 100}
    assert result.progression[-1] == (300, 0.0)


def test_quantiles_interpolate_like_numpy():
    assert quantile([1, 2, 3, 4], 0.5) == 2.5
    assert quantile([0, 10], 0.95) == pytest.approx(9.5)
    assert quantile([7], 0.95) == 7


@pytest.mark.parametrize("subjects, trials, message", [
    (0, 1, "Simulate from 1 to 10,000 subjects; 0 asked."),
    (10_001, 1, "Simulate from 1 to 10,000 subjects; 10001 asked."),
    (10, 501, "Simulate from 1 to 500 trials; 501 asked."),
    (10, 0, "Simulate from 1 to 500 trials; 0 asked."),
])
def test_limits_are_refused_with_a_sentence(subjects, trials, message):
    with pytest.raises(ValueError) as caught:
        simulate(SIMPLE, SITES, subjects, seed=SEED, trials=trials)
    assert str(caught.value) == message


def test_a_scheme_by_site_needs_the_sites():
    with pytest.raises(ValueError, match="give the study's sites"):
        simulate(MINIMIZATION, [], 10, seed=SEED)


@pytest.mark.parametrize("scheme", [SIMPLE, MINIMIZATION, config(
    type="stratified_block", block_sizes=[4], strata=["site"])])
def test_randomize_in_process_gives_a_rate(scheme):
    assert randomize_in_process(scheme, SEED, 300) > 100
