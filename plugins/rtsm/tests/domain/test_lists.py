"""Lists: reproducible from the seed, prefix-stable, balanced blocks, simple draws true to the ratio."""
from collections import Counter

import pytest
from scipy.stats import chisquare

from plugins.rtsm.domain.lists import (
    HashRandom,
    ListEntry,
    below,
    generate_list,
    list_sha256,
    new_seed,
    shuffle,
)
from plugins.rtsm.domain.schemes import parse_scheme

SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))


def scheme(ratios, **settings):
    arms = [{"code": code, "name": f"Arm {code}", "ratio": r} for code, r in zip("ABCDE", ratios)]
    return parse_scheme(arms, ["S01", "S02"], settings)


BLOCK_2_1 = scheme((2, 1), type="block", block_sizes=[3, 6, 9])
BLOCK_1_1_1 = scheme((1, 1, 1), type="block", block_sizes=[3, 6])
BLOCK_1_1 = scheme((1, 1), type="block", block_sizes=[2, 4, 6, 8])
STRATIFIED = scheme((1, 1), type="stratified_block", block_sizes=[4, 6], strata=["site", "sex"],
                    factors={"sex": ["F", "M"]})


# -- reproducible -------------------------------------------------------------------------------
@pytest.mark.parametrize("config", [BLOCK_2_1, scheme((1, 1), type="simple")])
def test_the_same_seed_gives_the_same_list_and_another_seed_another(config):
    first = generate_list(config, SEED, "", 300)
    assert list_sha256(generate_list(config, SEED, "", 300)) == list_sha256(first)
    assert list_sha256(generate_list(config, OTHER_SEED, "", 300)) != list_sha256(first)


def test_each_stratum_has_its_own_list():
    one = generate_list(STRATIFIED, SEED, "site=S01|sex=F", 100)
    two = generate_list(STRATIFIED, SEED, "site=S01|sex=M", 100)
    assert [e.arm for e in one] != [e.arm for e in two]


def test_a_known_list_stays_the_same_forever():
    """The generator owes nothing to the Python version: a stored list hash can be re-checked."""
    entries = generate_list(BLOCK_1_1, SEED, "", 12)
    assert [e.arm for e in entries] == list("ABBABBAABABB")
    assert [e.block_size for e in entries] == [4] * 8 + [8] * 4
    assert list_sha256(entries) == "f000f08cf70fede68cf1f131ed304e46c63133fad1b00871947d5a256748b590"


@pytest.mark.parametrize("config", [BLOCK_2_1, BLOCK_1_1_1, scheme((2, 1), type="simple")])
def test_lists_are_prefix_stable(config):
    longest = generate_list(config, SEED, "", 500)
    for length in (0, 1, 5, 7, 199, 200, 201, 499):
        assert generate_list(config, SEED, "", length) == longest[:length]


def test_the_hash_covers_every_field():
    entries = generate_list(BLOCK_1_1, SEED, "", 10)
    changed = [ListEntry(e.position, e.arm, e.block, 99 if i == 3 else e.block_size) for i, e in enumerate(entries)]
    assert list_sha256(changed) != list_sha256(entries)


def test_minimization_has_no_list():
    config = scheme((1, 1), type="minimization", factors={"sex": ["F", "M"]})
    with pytest.raises(ValueError, match="no list"):
        generate_list(config, SEED, "", 10)


def test_new_seeds_are_32_fresh_bytes():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20 and all(len(seed) == 32 for seed in seeds)


# -- blocks -------------------------------------------------------------------------------------
def blocks_of(entries):
    blocks: dict[int, list[ListEntry]] = {}
    for entry in entries:
        blocks.setdefault(entry.block, []).append(entry)
    return blocks


@pytest.mark.parametrize("config", [BLOCK_2_1, BLOCK_1_1_1, BLOCK_1_1])
@pytest.mark.parametrize("seed", [SEED, OTHER_SEED, b"\xff" * 32], ids=["seed0", "seed1", "seed2"])
def test_every_completed_block_is_balanced_to_the_ratio_and_of_an_allowed_size(config, seed):
    entries = generate_list(config, seed, "", 1000)
    blocks = blocks_of(entries)
    assert [e.position for e in entries] == list(range(1000))
    assert {e.block_size for e in entries} == set(config.block_sizes)  # every size is used
    for number, block in blocks.items():
        size = block[0].block_size
        assert size in config.block_sizes and {e.block_size for e in block} == {size}
        if len(block) < size:  # only the last block may be cut, at the requested length
            assert number == max(blocks)
            continue
        counts = Counter(e.arm for e in block)
        assert {arm.code: counts[arm.code] for arm in config.arms} == {
            arm.code: arm.ratio * size // config.ratio_sum for arm in config.arms}


@pytest.mark.parametrize("config", [BLOCK_2_1, BLOCK_1_1_1, BLOCK_1_1])
def test_the_ratio_scaled_imbalance_never_exceeds_half_the_largest_block(config):
    bound = max(config.block_sizes) / 2
    for stratum in ("", "site=S01", "site=S02"):
        counts = Counter()
        worst = 0.0
        for entry in generate_list(config, SEED, stratum, 2000):
            counts[entry.arm] += 1
            scaled = [counts[arm.code] / arm.ratio for arm in config.arms]
            worst = max(worst, max(scaled) - min(scaled))
        assert 0 < worst <= bound


def test_within_a_stratum_of_a_1_1_scheme_plain_counts_stay_within_half_the_largest_block():
    for stratum in ("site=S01|sex=F", "site=S02|sex=M"):
        difference, worst = 0, 0
        for entry in generate_list(STRATIFIED, SEED, stratum, 1000):
            difference += 1 if entry.arm == "A" else -1
            worst = max(worst, abs(difference))
        assert worst <= max(STRATIFIED.block_sizes) // 2


def convergence_guess_rate(arms_in_order, codes) -> float:
    """Expected share of right guesses by someone who knows past assignments and always guesses
    the arm with the fewest so far (a tie: one of the tied arms at random, counted as 1/ties)."""
    counts = Counter({code: 0 for code in codes})
    right = 0.0
    for arm in arms_in_order:
        fewest = min(counts.values())
        tied = [code for code in codes if counts[code] == fewest]
        right += (arm in tied) / len(tied)
        counts[arm] += 1
    return right / len(arms_in_order)


def test_random_block_sizes_are_harder_to_guess_than_fixed_blocks_of_four():
    fixed = scheme((1, 1), type="block", block_sizes=[4])
    varied = scheme((1, 1), type="block", block_sizes=[4, 6, 8])
    fixed_rate = convergence_guess_rate([e.arm for e in generate_list(fixed, SEED, "", 6000)], "AB")
    varied_rate = convergence_guess_rate([e.arm for e in generate_list(varied, SEED, "", 6000)], "AB")
    assert fixed_rate == pytest.approx(17 / 24, abs=0.02)  # the known value for blocks of 4
    assert 0.5 < varied_rate < fixed_rate - 0.02


# -- simple randomization -----------------------------------------------------------------------
@pytest.mark.parametrize("ratios", [(1, 1), (2, 1), (1, 1, 1)])
@pytest.mark.parametrize("seed", [SEED, OTHER_SEED, b"rtsm" * 8], ids=["seed0", "seed1", "seed2"])
def test_simple_randomization_of_10000_subjects_matches_the_ratio(ratios, seed):
    config = scheme(ratios, type="simple")
    entries = generate_list(config, seed, "", 10_000)
    counts = Counter(e.arm for e in entries)
    observed = [counts[arm.code] for arm in config.arms]
    expected = [10_000 * arm.ratio / config.ratio_sum for arm in config.arms]
    assert chisquare(observed, expected).pvalue > 0.001
    assert {(e.block, e.block_size) for e in entries} == {(0, 0)}


# -- the generator ------------------------------------------------------------------------------
def test_below_is_uniform_and_in_range():
    rng = HashRandom(SEED)
    draws = Counter(below(rng, 6) for _ in range(6000))
    assert set(draws) == set(range(6))
    assert chisquare([draws[i] for i in range(6)]).pvalue > 0.001


def test_the_generator_is_deterministic_and_a_random_random():
    a, b = HashRandom(SEED), HashRandom(SEED)
    assert [a.random() for _ in range(5)] == [b.random() for _ in range(5)]
    assert 0 <= a.random() < 1 and a.choice("xyz") in "xyz"
    state = a.getstate()
    items, again = list(range(10)), list(range(10))
    shuffle(a, items)
    a.setstate(state)
    shuffle(a, again)
    assert items == again != list(range(10))
