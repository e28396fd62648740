"""Metrics: screen failure, enrollment rate, recency, shrinkage toward the area mean."""

from datetime import date, timedelta

import pytest

from plugins.site_select.domain import (
    Site,
    TrialHistory,
    TrialSpec,
    Weights,
    compute_metrics,
    compute_metrics_with_baseline,
    rank_sites,
    screen_failure_rate,
)
from plugins.site_select.domain.shrinkage import estimate_prior_strength, shrink

ACTIVATED = date(2016, 1, 1)
LAST_IN = date(2020, 1, 1)  # exactly 48 months of 365.25 / 12 days


def trial(site_id: int, number: int, rate: int, *, area: str = "oncology", **extra) -> TrialHistory:
    values = dict(
        site_id=site_id,
        trial_ref=f"T{site_id}-{number}",
        phase="PHASE2",
        therapeutic_area=area,
        condition="Breast Cancer",
        selected_on=ACTIVATED - timedelta(days=60),
        activated_on=ACTIVATED,
        first_subject_in=ACTIVATED + timedelta(days=10),
        last_subject_in=LAST_IN,
        screened=rate * 48 * 2,
        enrolled=rate * 48,
    )
    values.update(extra)
    return TrialHistory(**values)


def test_screen_failure_22_of_50_is_44_percent():
    assert screen_failure_rate(50, 28) == pytest.approx(0.44)
    assert screen_failure_rate(0, 0) is None
    assert screen_failure_rate(None, 3) is None
    with pytest.raises(ValueError, match="cannot exceed"):
        screen_failure_rate(10, 11)


def test_one_trial_at_10_a_month_ranks_below_ten_trials_at_8():
    history = [trial(1, 0, 10)] + [trial(2, n, 8) for n in range(10)]
    history += [trial(site_id, n, 2) for site_id in (3, 4, 5, 6) for n in range(5)]
    metrics, baseline = compute_metrics_with_baseline(
        history, as_of=date(2024, 1, 1), therapeutic_area="oncology"
    )
    # Area mean over all 31 trials: (1 x 10 + 10 x 8 + 20 x 2) / 31 = 130 / 31 = 4.194 a month.
    # Equal recency weights, so site 1 has 1 trial of evidence and site 2 has 10; k = 3:
    #   site 1: (1 x 10 + 3 x 4.194) / (1 + 3)  = 5.645
    #   site 2: (10 x 8 + 3 x 4.194) / (10 + 3) = 7.121
    mean = 130 / 31
    assert baseline.enrollment_rate == pytest.approx(mean)
    assert metrics[1].raw_enrollment_rate == pytest.approx(10.0)
    assert metrics[1].enrollment_rate == pytest.approx((10 + 3 * mean) / 4)
    assert metrics[2].enrollment_rate == pytest.approx((80 + 3 * mean) / 13)

    sites = [
        Site(site_id, f"Site {site_id}", "FR", "Paris", 48.8566, 2.3522, ("oncology",))
        for site_id in range(1, 7)
    ]
    spec = TrialSpec("oncology", None, None, ("FR",), 50, date(2024, 2, 1))
    enrollment_only = Weights(
        enrollment=1, screen_failure=0, startup=0, zero_enroller=0, data_quality=0, experience=0
    )
    ranked = [
        item.site.site_id
        for item in rank_sites(sites, history, spec, enrollment_only, as_of=date(2024, 1, 1))
    ]
    assert ranked.index(2) < ranked.index(1)
    unshrunk = rank_sites(sites, history, spec, enrollment_only, as_of=date(2024, 1, 1), prior_strength=0)
    assert unshrunk[0].site.site_id == 1


def test_shrink_and_prior_strength_estimate():
    assert shrink(10.0, 1.0, 4.0, 3.0) == pytest.approx(5.5)
    assert shrink(None, 0.0, 4.0, 3.0) == 4.0
    assert shrink(10.0, 1.0, None, 3.0) == 10.0
    # Sites that differ a lot and vary little trial to trial need little shrinkage, and the reverse.
    assert estimate_prior_strength([[1.0, 1.1], [5.0, 5.1], [9.0, 9.1]]) == pytest.approx(0.5)
    assert estimate_prior_strength([[1.0, 9.0], [9.0, 1.0], [5.0, 5.0]]) == pytest.approx(25.0)
    assert estimate_prior_strength([[1.0]]) == pytest.approx(3.0)


def test_recent_trials_count_more_than_old_ones():
    recent = trial(
        1,
        0,
        9,
        activated_on=date(2022, 1, 1),
        selected_on=date(2021, 11, 1),
        first_subject_in=date(2022, 1, 10),
        last_subject_in=date(2023, 1, 1),
        enrolled=108,
        screened=200,
    )
    old = trial(
        1,
        1,
        3,
        selected_on=date(2012, 11, 2),
        activated_on=date(2013, 1, 1),
        first_subject_in=date(2013, 1, 10),
        last_subject_in=date(2014, 1, 1),
        enrolled=36,
        screened=80,
    )
    metrics = compute_metrics([recent, old], as_of=date(2024, 1, 1), prior_strength=0)
    # 108 / 12 = 9 a month two years ago, 36 / 12 = 3 a month eleven years ago: the mean leans to 9.
    assert 6.0 < metrics[1].raw_enrollment_rate < 9.0
    flat = compute_metrics([recent, old], as_of=date(2024, 1, 1), prior_strength=0, half_life_years=None)
    assert flat[1].raw_enrollment_rate == pytest.approx(6.0, rel=1e-3)


def test_metrics_use_only_what_was_known_on_the_as_of_date():
    finished = trial(1, 0, 5)
    running = trial(1, 1, 20, last_subject_in=date(2025, 1, 1))
    future = trial(
        1,
        2,
        30,
        selected_on=date(2024, 6, 1),
        activated_on=date(2024, 8, 1),
        first_subject_in=None,
        last_subject_in=None,
    )
    metrics = compute_metrics([finished, running, future], as_of=date(2024, 1, 1), prior_strength=0)
    assert metrics[1].trials == 2  # the future trial is unknown yet
    assert metrics[1].raw_enrollment_rate == pytest.approx(5.0)  # the running one has no final numbers
    assert metrics[1].startup_days == pytest.approx(60.0)
    assert metrics[1].screen_failure_rate == pytest.approx(0.5)
    assert metrics[1].last_activity == date(2020, 1, 1)


def test_zero_enrollers_data_quality_and_scope():
    rows = [
        trial(1, 0, 4, queries_per_100=6.0, deviations=48),
        trial(1, 1, 0, screened=3, enrolled=0, first_subject_in=None, last_subject_in=None),
        trial(1, 2, 8, area="cardiology", phase="PHASE3"),
    ]
    metrics = compute_metrics(rows, as_of=date(2024, 1, 1), therapeutic_area="Oncology", half_life_years=None)
    assert metrics[1].trials == 2
    assert metrics[1].zero_enroller_share == pytest.approx(0.5)
    assert metrics[1].queries_per_100 == pytest.approx(6.0)
    assert metrics[1].deviations_per_subject == pytest.approx(48 / 192)
    by_phase = compute_metrics(rows, as_of=date(2024, 1, 1), phase="Phase 3")
    assert by_phase[1].trials == 1
    with pytest.raises(ValueError, match="half-life"):
        compute_metrics(rows, as_of=date(2024, 1, 1), half_life_years=0)
