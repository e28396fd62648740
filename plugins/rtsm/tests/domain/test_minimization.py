"""Pocock-Simon minimization: the scores, the preferred arm, the biased coin and unequal ratios."""
import random
from collections import Counter

import pytest

from plugins.rtsm.domain.minimization import MarginalCounts, choose_arm, rng_for, scores_of
from plugins.rtsm.domain.schemes import parse_scheme

SITES = ["S01", "S02", "S03"]
SUBJECT = {"sex": "F", "age": "<65"}


def minimization(ratios=(1, 1), **settings):
    arms = [{"code": code, "name": f"Arm {code}", "ratio": r} for code, r in zip("ABC", ratios)]
    return parse_scheme(arms, SITES, {"type": "minimization",
                                      "factors": {"sex": ["F", "M"], "age": ["<65", ">=65"]}, **settings})


def counts_with(*allocations):
    return MarginalCounts.from_allocations(allocations)


def test_counts_are_kept_per_factor_level_and_arm():
    counts = counts_with(({"sex": "F", "age": "<65"}, "A"), ({"sex": "F", "age": ">=65"}, "B"),
                         ({"sex": "F", "age": "<65"}, "A"))
    assert counts.counts == {"sex": {"F": {"A": 2, "B": 1}}, "age": {"<65": {"A": 2}, ">=65": {"B": 1}}}
    assert counts.count("sex", "M", "A") == 0


def test_scores_add_the_weighted_range_at_the_subjects_levels():
    config = minimization(weights={"sex": 2})
    counts = counts_with(({"sex": "F", "age": ">=65"}, "A"), ({"sex": "F", "age": "<65"}, "A"),
                         ({"sex": "M", "age": "<65"}, "B"))
    # sex=F: A 2, B 0; age=<65: A 1, B 1. On A: 2*(3-0) + (2-1) = 7; on B: 2*(2-1) + (2-1) = 3.
    assert scores_of(config, counts, SUBJECT) == {"A": 7.0, "B": 3.0}


def test_the_variance_imbalance_is_the_population_variance_of_counts():
    config = minimization(imbalance="variance")
    counts = counts_with(({"sex": "F", "age": ">=65"}, "A"), ({"sex": "F", "age": ">=65"}, "A"))
    # sex=F on A: (3, 0) -> variance 2.25; age=<65 on A: (1, 0) -> 0.25. On B: (2, 1) 0.25 + 0.25.
    assert scores_of(config, counts, SUBJECT) == {"A": 2.5, "B": 0.5}


def test_an_empty_trial_with_unequal_ratios_prefers_the_larger_arm():
    choice = choose_arm(minimization(ratios=(2, 1), p=1), MarginalCounts(), SUBJECT, random.Random(0))
    assert (choice.arm, choice.scores) == ("A", {"A": 1.0, "B": 2.0})


def test_unequal_ratios_weigh_counts_by_one_over_the_ratio():
    config = minimization(ratios=(2, 1))
    balanced = counts_with(*[(SUBJECT, "A")] * 4, *[(SUBJECT, "B")] * 2)
    choice = choose_arm(config, balanced, SUBJECT, random.Random(1))
    # 4:2 is balanced for 2:1: A (5/2 - 2 = 0.5 per factor) beats B (3 - 2 = 1 per factor)
    assert choice.scores == {"A": 1.0, "B": 2.0} and choice.preferred == ("A",)


def test_missing_factor_levels_are_refused():
    with pytest.raises(ValueError, match="age"):
        choose_arm(minimization(), MarginalCounts(), {"sex": "F"}, random.Random(0))


# -- determinism and the coin -------------------------------------------------------------------
def test_with_p_1_and_no_tie_the_preferred_arm_is_always_taken():
    config = minimization(p=1)
    counts = counts_with(({"sex": "F", "age": "<65"}, "A"))
    choices = {(c.arm, c.preferred, c.by_coin)
               for c in (choose_arm(config, counts, SUBJECT, random.Random(i)) for i in range(50))}
    assert choices == {("B", ("B",), False)}


def test_with_p_below_1_a_tie_goes_to_either_arm():
    config = minimization(p=0.8)
    tied = counts_with(({"sex": "F", "age": "<65"}, "A"), ({"sex": "F", "age": "<65"}, "B"))
    arms = Counter(choose_arm(config, tied, SUBJECT, rng_for(b"s" * 32, i)).arm for i in range(200))
    assert set(arms) == {"A", "B"} and 70 < arms["A"] < 130
    choice = choose_arm(config, tied, SUBJECT, random.Random(0))
    assert choice.preferred == ("A", "B") and not choice.by_coin


def test_a_tie_between_some_arms_is_broken_at_random_and_the_coin_can_send_to_the_third():
    config = minimization(ratios=(1, 1, 1), p=0.8)
    counts = counts_with(({"sex": "F", "age": "<65"}, "C"))
    choices = [choose_arm(config, counts, SUBJECT, random.Random(i)) for i in range(400)]
    assert {c.preferred for c in choices} == {("A", "B")}
    arms = Counter(c.arm for c in choices)
    assert set(arms) == {"A", "B", "C"}
    assert all(c.by_coin == (c.arm == "C") for c in choices)
    assert 0.74 < (arms["A"] + arms["B"]) / 400 < 0.86


def test_the_coin_takes_the_preferred_arm_with_probability_p():
    config = minimization(p=0.7)
    counts = counts_with(({"sex": "F", "age": "<65"}, "A"))
    choices = [choose_arm(config, counts, SUBJECT, random.Random(i)) for i in range(2000)]
    preferred = sum(c.arm == "B" for c in choices) / 2000
    assert 0.66 < preferred < 0.74
    assert all(c.by_coin == (c.arm == "A") for c in choices)


def test_when_every_arm_scores_the_same_the_arm_is_drawn_by_the_ratio():
    config = minimization(ratios=(2, 1), p=1)
    counts = counts_with(({"sex": "M", "age": "<65"}, "A"))
    # sex=F: A 0, B 0; age=<65: A 1/2, B 0. On A: 1/2 + (1 - 0) = 1.5; on B: (1 - 0) + (1 - 1/2) = 1.5.
    choices = [choose_arm(config, counts, SUBJECT, random.Random(i)) for i in range(3000)]
    assert {(c.preferred, c.by_coin) for c in choices} == {(("A", "B"), False)}
    assert choices[0].scores == {"A": 1.5, "B": 1.5}
    share_of_a = sum(c.arm == "A" for c in choices) / 3000
    assert 0.63 < share_of_a < 0.70


def test_the_same_randomization_number_gives_the_same_choice():
    config = minimization(p=0.8)
    tied = MarginalCounts()
    seed = bytes(32)
    first = [choose_arm(config, tied, SUBJECT, rng_for(seed, i)).arm for i in range(40)]
    assert first == [choose_arm(config, tied, SUBJECT, rng_for(seed, i)).arm for i in range(40)]


def test_an_unequal_ratio_is_kept_over_a_trial():
    config = minimization(ratios=(2, 1), p=0.8)
    counts, rng, arms = MarginalCounts(), random.Random(7), Counter()
    for _ in range(600):
        subject = {"sex": rng.choice("FM"), "age": rng.choice(["<65", ">=65"])}
        arm = choose_arm(config, counts, subject, rng).arm
        counts.add(subject, arm)
        arms[arm] += 1
    assert abs(arms["A"] / 2 - arms["B"]) <= 4
