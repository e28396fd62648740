"""Duplicate facilities: normalized names, fuzzy matching within a city."""

import pytest

from plugins.site_select.domain import Site, find_duplicates, normalize_facility_name
from plugins.site_select.domain.dedupe import name_similarity


def site(site_id: int, name: str, city: str, country: str = "US") -> Site:
    return Site(site_id, name, country, city)


def test_normalized_names():
    assert normalize_facility_name("St. Mary's Hospital, Boston") == "saint marys hospital boston"
    assert normalize_facility_name("Saint Marys Hospital, Boston") == "saint marys hospital boston"
    assert normalize_facility_name("Hôpital Saint-Louis") == "hopital saint louis"
    assert normalize_facility_name("Univ. Med. Ctr & Research") == "university medical center and research"


def test_st_marys_boston_pair_is_found_and_denver_kept_apart():
    sites = [
        site(1, "St. Mary's Hospital, Boston", "Boston"),
        site(2, "Saint Marys Hospital, Boston", "Boston"),
        site(3, "St Mary's, Denver", "Denver"),
        site(4, "Boston Medical Center", "Boston"),
    ]
    groups = find_duplicates(sites, threshold=0.85)
    assert [[member.site_id for member in group] for group in groups] == [[1, 2]]


def test_similar_names_of_different_hospitals_do_not_match():
    assert name_similarity("Saint Joseph Hospital", "Saint Mary Hospital") < 0.85
    assert name_similarity("University Hospital 1", "University Hospital 2") < 0.85
    assert name_similarity("St Mary's", "St Mary's Hospital") == 1.0
    assert (
        name_similarity("Charité Universitätsmedizin Berlin", "Charite - Universitatsmedizin Berlin") == 1.0
    )


def test_groups_are_transitive_and_blocked_by_country():
    sites = [
        site(5, "Mayo Clinic", "Rochester"),
        site(6, "Mayo Clinic Hospital", "Rochester"),
        site(7, "Mayo Clinic Hosp.", "rochester"),
        site(8, "Mayo Clinic", "Rochester", country="GB"),
    ]
    assert [[member.site_id for member in group] for group in find_duplicates(sites)] == [[5, 6, 7]]
    with pytest.raises(ValueError, match="threshold"):
        find_duplicates(sites, threshold=0)
