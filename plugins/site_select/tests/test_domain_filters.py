"""Hard filters: countries, radius (checked against haversine), exclusions, therapeutic area."""

from datetime import date

import pytest

from plugins.site_select.domain import Site, TrialSpec, filter_sites, haversine_km

PARIS = (48.8566, 2.3522)
SITES = [
    Site(1, "Paris Site", "FR", "Paris", 48.8566, 2.3522, ("oncology",)),
    Site(2, "Lyon Site", "FR", "Lyon", 45.7640, 4.8357, ("oncology",)),
    Site(3, "Brussels Site", "BE", "Brussels", 50.8503, 4.3517, ("oncology",)),
    Site(4, "London Site", "GB", "London", 51.5074, -0.1278, ("oncology",)),
    Site(5, "Berlin Site", "DE", "Berlin", 52.5200, 13.4050, ("oncology", "cardiology")),
    Site(6, "Paris Heart Site", "FR", "Paris", 48.8566, 2.3522, ("cardiology",)),
    Site(7, "Nowhere Site", "FR", "Rennes", None, None, ("Oncology",)),
]


def spec(**overrides) -> TrialSpec:
    values = dict(
        therapeutic_area="oncology",
        condition=None,
        phase=None,
        countries=(),
        target_enrollment=10,
        start_date=date(2025, 1, 1),
    )
    values.update(overrides)
    return TrialSpec(**values)


def test_haversine_matches_known_distances():
    # Lyon - Paris as in the haversine package's documentation: 392.2172595594006 km
    assert haversine_km((45.7597, 4.8422), (48.8567, 2.3508)) == pytest.approx(392.2173, abs=1e-3)
    assert haversine_km(PARIS, (51.5074, -0.1278)) == pytest.approx(343.5, abs=0.5)
    assert haversine_km(PARIS, PARIS) == 0.0


def test_country_filter_excludes_other_countries():
    kept = filter_sites(SITES, spec(countries=("FR", "BE")))
    assert sorted(site.site_id for site, _ in kept) == [1, 2, 3, 7]
    assert {site.country for site, _ in kept} <= {"FR", "BE"}


def test_radius_filter_agrees_with_haversine():
    kept = dict(
        (site.site_id, distance) for site, distance in filter_sites(SITES, spec(center=PARIS, radius_km=350))
    )
    for site in SITES:
        if site.coordinates is None or "oncology" not in site.therapeutic_areas:
            continue
        inside = haversine_km(PARIS, site.coordinates) <= 350
        assert (site.site_id in kept) == inside
        if inside:
            assert kept[site.site_id] == pytest.approx(haversine_km(PARIS, site.coordinates))
    assert sorted(kept) == [1, 3, 4]  # Paris 0, Brussels 264, London 343.6; Lyon 391.5 and Berlin are out


def test_sites_without_coordinates_fail_a_radius_but_pass_without_one():
    assert 7 not in {site.site_id for site, _ in filter_sites(SITES, spec(center=PARIS, radius_km=5000))}
    assert 7 in {site.site_id for site, _ in filter_sites(SITES, spec())}


def test_area_and_exclusions():
    kept = {site.site_id for site, _ in filter_sites(SITES, spec(exclude_site_ids={1, 2}))}
    assert kept == {3, 4, 5, 7}
    cardio = {site.site_id for site, _ in filter_sites(SITES, spec(therapeutic_area="Cardiology"))}
    assert cardio == {5, 6}
    distances = [distance for _, distance in filter_sites(SITES, spec(center=PARIS))]
    assert distances.count(None) == 1  # only the site without coordinates
