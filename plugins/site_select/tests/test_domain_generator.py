"""Synthetic data: deterministic, realistic ranges, AACT-shaped."""

from datetime import date

from plugins.site_select.domain import generate_aact, generate_dataset, screen_failure_rate, therapeutic_areas
from plugins.site_select.domain.metrics import startup_days


def test_same_seed_same_data_other_seed_other_data():
    assert generate_dataset(3, 400, 40) == generate_dataset(3, 400, 40)
    assert generate_aact(3, 200, 20) == generate_aact(3, 200, 20)
    assert generate_dataset(4, 400, 40) != generate_dataset(3, 400, 40)


def test_generated_history_is_realistic():
    sites, history = generate_dataset(7, 5000, 400)
    assert len(sites) == 5000
    assert len({site.country for site in sites}) == 25
    assert set(therapeutic_areas()) == {area for site in sites for area in site.therapeutic_areas}
    assert len(therapeutic_areas()) == 8
    assert len({row.trial_ref for row in history}) == 400
    assert 4000 <= len(history) <= 400 * 60
    assert all(30 <= startup_days(row) <= 200 for row in history)
    assert all(
        date(2010, 1, 1) <= row.selected_on
        and (row.last_subject_in or row.activated_on) <= date(2025, 12, 31)
        for row in history
    )
    failures = [screen_failure_rate(row.screened, row.enrolled) for row in history if row.enrolled >= 20]
    assert all(0.08 <= value <= 0.62 for value in failures)
    zero_share = sum(row.enrolled == 0 for row in history) / len(history)
    assert 0.03 < zero_share < 0.3
    assert all(site.latitude is not None and site.investigator for site in sites)
    assert len({(site.name, site.city) for site in sites}) == len(sites)


def test_no_network_is_needed(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network access in a test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from plugins.site_select.domain import parse_aact

    result = parse_aact(generate_aact(5, 100, 10))
    assert result.sites and result.history and not result.rejected
