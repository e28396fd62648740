"""Forecast: sum of shortlist rates against the target, with and without start-up lag."""

from datetime import date

import pytest

from plugins.site_select.domain import ScoredSite, Site, SiteMetrics, TrialSpec, forecast_enrollment
from plugins.site_select.domain.forecast import months_to_reach

MONTH = 365.25 / 12


def scored(site_id: int, rate: float | None, startup_days: float | None) -> ScoredSite:
    metrics = SiteMetrics(site_id, 3, rate, rate, 0.3, startup_days, 0.0, 5.0, 0.1, date(2024, 1, 1), 3.0)
    site = Site(site_id, f"Site {site_id}", "DE", "Berlin", 52.52, 13.405, ("oncology",))
    return ScoredSite(site, 50.0, {}, {}, metrics, None, (), ())


def spec(target: int = 100, target_lsi: date | None = date(2025, 12, 31)) -> TrialSpec:
    return TrialSpec("oncology", None, None, ("DE",), target, date(2025, 1, 1), target_lsi)


SHORTLIST = [scored(1, 2.0, 1 * MONTH), scored(2, 3.0, 2 * MONTH), scored(3, 5.0, 3 * MONTH)]


def test_without_startup_the_projection_is_target_over_summed_rate():
    forecast = forecast_enrollment(SHORTLIST, spec(), include_startup=False)
    # 2 + 3 + 5 = 10 subjects a month; 100 / 10 = 10 months = 304.4 days -> 304 days after 2025-01-01
    assert forecast.monthly_rate == pytest.approx(10.0)
    assert forecast.months_to_target == pytest.approx(10.0)
    assert forecast.projected_lsi == date(2025, 11, 1)
    assert forecast.on_track is True
    assert forecast.per_site == ((1, 2.0), (2, 3.0), (3, 5.0))


def test_startup_delays_each_site_and_can_miss_the_target_date():
    forecast = forecast_enrollment(SHORTLIST, spec())
    # Sites open after 1, 2 and 3 months. From month 3 on all enroll:
    # N(t) = 2(t - 1) + 3(t - 2) + 5(t - 3) = 10t - 23 = 100  ->  t = 12.3 months = 374.4 days
    assert forecast.months_to_target == pytest.approx(12.3)
    assert forecast.projected_lsi == date(2026, 1, 10)
    assert forecast.target_lsi == date(2025, 12, 31)
    assert forecast.on_track is False


def test_target_reached_before_the_last_site_opens():
    # Target 5: by month 2 the first site has 2; then 5 a month: 2 + 5(t - 2) = 5 -> t = 2.6 < 3,
    # so the third site (opening at month 3) plays no part. Target 1: 2(t - 1) = 1 -> t = 1.5.
    assert months_to_reach(5, [(2.0, 1.0), (3.0, 2.0), (5.0, 3.0)]) == pytest.approx(2.6)
    assert months_to_reach(1, [(2.0, 1.0), (3.0, 2.0)]) == pytest.approx(1.5)


def test_unknown_startup_takes_the_shortlist_mean_and_no_rate_means_no_date():
    forecast = forecast_enrollment(
        [scored(1, 4.0, 2 * MONTH), scored(2, 6.0, None)], spec(target=50, target_lsi=None)
    )
    # both open after 2 months: 2 + 50 / 10 = 7 months
    assert forecast.months_to_target == pytest.approx(7.0)
    assert forecast.on_track is None
    empty = forecast_enrollment([scored(1, 0.0, MONTH), scored(2, None, None)], spec())
    assert empty.monthly_rate == 0.0
    assert empty.months_to_target is None and empty.projected_lsi is None
    assert empty.on_track is False
