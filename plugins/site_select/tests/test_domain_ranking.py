"""Ranking: five hand-computed sites, the effect of a weight, weight and spec validation."""

from datetime import date, timedelta

import pytest

from plugins.site_select.domain import Site, TrialHistory, TrialSpec, Weights, rank_sites

AS_OF = date(2024, 1, 1)
ACTIVATED = date(2016, 1, 1)
LAST_IN = date(2020, 1, 1)  # 1461 days after activation = exactly 48 months of 30.4375 days

# site id: (subjects/month, screened, start-up days, queries per 100, deviations)
HAND_SITES = {
    1: (10, 800, 150, 10.0, 96),  # A: fastest enroller, slow start, poor data
    2: (8, 480, 60, 2.0, 0),  # B: good at everything
    3: (6, 410, 30, 2.0, 18),  # C: fastest start-up
    4: (4, 213, 100, 1.0, 20),  # D: lowest screen failure
    5: (2, 192, 200, 15.0, 40),  # E: worst at everything
}


def hand_history() -> tuple[list[Site], list[TrialHistory]]:
    sites, history = [], []
    for site_id, (rate, screened, startup, queries, deviations) in HAND_SITES.items():
        sites.append(
            Site(site_id, f"Site {'ABCDE'[site_id - 1]}", "DE", "Berlin", 52.52, 13.405, ("oncology",))
        )
        history.append(
            TrialHistory(
                site_id=site_id,
                trial_ref=f"T{site_id}",
                phase="PHASE3",
                therapeutic_area="oncology",
                condition="Breast Cancer",
                selected_on=ACTIVATED - timedelta(days=startup),
                activated_on=ACTIVATED,
                first_subject_in=ACTIVATED + timedelta(days=14),
                last_subject_in=LAST_IN,
                screened=screened,
                enrolled=rate * 48,
                target=200,
                queries_per_100=queries,
                deviations=deviations,
            )
        )
    return sites, history


def spec(**overrides) -> TrialSpec:
    values = dict(
        therapeutic_area="oncology",
        condition="Breast Cancer",
        phase="Phase 3",
        countries=("DE",),
        target_enrollment=100,
        start_date=date(2024, 3, 1),
    )
    values.update(overrides)
    return TrialSpec(**values)


def test_five_hand_computed_sites_give_the_expected_order_and_scores():
    sites, history = hand_history()
    ranked = rank_sites(
        sites, history, spec(), Weights(), as_of=AS_OF, half_life_years=None, prior_strength=0
    )

    # Each component is the site's percentile among the 5 candidates: (sites beaten + ties/2) / 4.
    # enrollment  (/month)  A 10 > B 8 > C 6 > D 4 > E 2            -> A 1, B .75, C .5, D .25, E 0
    # screen fail (lower)   D 23/213=.099 < B 96/480=.2 < C 122/410=.298 < A 320/800=.4 < E 96/192=.5
    #                                                              -> D 1, B .75, C .5, A .25, E 0
    # start-up    (lower)   C 30 < B 60 < D 100 < A 150 < E 200   -> C 1, B .75, D .5, A .25, E 0
    # data quality = ((1 - queries/20) + (1 - deviations per subject/0.5)) / 2
    #   A (.5 + .6)/2=.55  B (.9 + 1)/2=.95  C (.9 + .875)/2=.8875  D (.95 + .7917)/2=.8708  E (.25 + .1667)/2=.2083
    #                                                              -> B 1, C .75, D .5, A .25, E 0
    # zero enrollers: nobody has any, experience: one trial each   -> all tie at .5
    # Default weights (already summing to 1): enrollment .35, screen_failure .15, startup .15,
    # zero_enroller .10, data_quality .10, experience .15. The ties give everyone 100 x (.10 + .15) x .5 = 12.5.
    expected = {
        2: 100 * (0.35 * 0.75 + 0.15 * 0.75 + 0.15 * 0.75 + 0.10 * 1) + 12.5,  # B 71.25
        3: 100 * (0.35 * 0.5 + 0.15 * 0.5 + 0.15 * 1 + 0.10 * 0.75) + 12.5,  # C 60.0
        1: 100 * (0.35 * 1 + 0.15 * 0.25 + 0.15 * 0.25 + 0.10 * 0.25) + 12.5,  # A 57.5
        4: 100 * (0.35 * 0.25 + 0.15 * 1 + 0.15 * 0.5 + 0.10 * 0.5) + 12.5,  # D 48.75
        5: 12.5,  # E
    }
    assert [item.site.site_id for item in ranked] == [2, 3, 1, 4, 5]
    assert [item.score for item in ranked] == pytest.approx([71.25, 60.0, 57.5, 48.75, 12.5])
    for item in ranked:
        assert item.score == pytest.approx(expected[item.site.site_id])
        assert sum(item.contributions.values()) == pytest.approx(item.score)
    best = ranked[0]
    assert best.components == pytest.approx(
        {
            "enrollment": 0.75,
            "screen_failure": 0.75,
            "startup": 0.75,
            "zero_enroller": 0.5,
            "data_quality": 1.0,
            "experience": 0.5,
        }
    )
    assert best.contributions["enrollment"] == pytest.approx(26.25)
    assert any("enrollment" in reason for reason in ranked[2].reasons_up)
    assert any("start-up" in reason for reason in ranked[2].reasons_down)
    assert ranked[-1].reasons_up == () and len(ranked[-1].reasons_down) == 3


def test_raising_the_startup_weight_promotes_the_fast_starting_site():
    sites, history = hand_history()
    default = rank_sites(
        sites, history, spec(), Weights(), as_of=AS_OF, half_life_years=None, prior_strength=0
    )
    assert [item.site.site_id for item in default][:2] == [2, 3]

    heavy = Weights(startup=0.8)
    ranked = rank_sites(sites, history, spec(), heavy, as_of=AS_OF, half_life_years=None, prior_strength=0)
    # Weights now sum to .35 + .15 + .8 + .1 + .1 + .15 = 1.65.
    # C: (.35 x .5 + .15 x .5 + .8 x 1 + .1 x .5 + .1 x .75 + .15 x .5) / 1.65 = 1.25 / 1.65 -> 75.76
    # B: (.35 x .75 + .15 x .75 + .8 x .75 + .1 x .5 + .1 x 1 + .15 x .5) / 1.65 = 1.20 / 1.65 -> 72.73
    assert [item.site.site_id for item in ranked][:2] == [3, 2]
    assert ranked[0].score == pytest.approx(100 * 1.25 / 1.65)
    assert ranked[1].score == pytest.approx(100 * 1.20 / 1.65)


def test_exclusions_and_limit():
    sites, history = hand_history()
    ranked = rank_sites(sites, history, spec(exclude_site_ids={2}), as_of=AS_OF, limit=2)
    assert len(ranked) == 2
    assert 2 not in {item.site.site_id for item in ranked}


def test_a_site_without_history_in_the_area_is_scored_at_the_area_mean():
    sites, history = hand_history()
    newcomer = Site(9, "New Site", "DE", "Berlin", 52.52, 13.405, ("oncology",))
    ranked = rank_sites(
        [*sites, newcomer], history, spec(), as_of=AS_OF, half_life_years=None, prior_strength=0
    )
    entry = next(item for item in ranked if item.site.site_id == 9)
    assert entry.metrics.trials == 0
    assert entry.metrics.enrollment_rate == pytest.approx(6.0)  # mean of 10, 8, 6, 4, 2
    # 6.0/month ties with C: positions 2 and 3 of 0..5 -> (2 + 3) / 2 / 5 = 0.5
    assert entry.components["enrollment"] == 0.5
    assert entry.components["experience"] == 0.0
    assert any(reason.startswith("0 oncology trial(s)") for reason in entry.reasons_down)


def test_weights_normalize_and_validate():
    weights = Weights(
        enrollment=2, screen_failure=0, startup=1, zero_enroller=0, data_quality=0, experience=1
    )
    assert weights.normalized().as_dict() == {
        "enrollment": 0.5,
        "screen_failure": 0.0,
        "startup": 0.25,
        "zero_enroller": 0.0,
        "data_quality": 0.0,
        "experience": 0.25,
    }
    assert sum(Weights().normalized().as_dict().values()) == pytest.approx(1.0)
    assert Weights.from_dict({"startup": 3}).startup == 3.0
    with pytest.raises(ValueError, match="must not be negative"):
        Weights(startup=-1)
    with pytest.raises(ValueError, match="at least one weight"):
        Weights(0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="must be a number"):
        Weights(enrollment=float("nan"))
    with pytest.raises(ValueError, match="unknown weight"):
        Weights.from_dict({"speed": 1})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"countries": ("XX",)}, "unknown country code"),
        ({"target_enrollment": -5}, "must be positive"),
        ({"target_enrollment": 0}, "must be positive"),
        ({"radius_km": 50.0}, "needs a center"),
        ({"center": (48.85, 2.35), "radius_km": -1.0}, "positive number of km"),
        ({"center": (95.0, 2.35)}, "not a valid latitude"),
        ({"target_lsi": date(2023, 1, 1)}, "after the start date"),
        ({"phase": "Phase 9"}, "unknown trial phase"),
        ({"therapeutic_area": " "}, "therapeutic area is required"),
        ({"shortlist_size": 0}, "shortlist size"),
    ],
)
def test_bad_specs_raise_clear_errors(overrides, message):
    with pytest.raises(ValueError, match=message):
        spec(**overrides)


def test_spec_normalizes_its_inputs():
    normalized = spec(countries=["de", "fr", "DE"], phase="phase ii", therapeutic_area="Infectious disease")
    assert normalized.countries == ("DE", "FR")
    assert normalized.phase == "PHASE2"
    assert normalized.therapeutic_area == "infectious_disease"
