"""Small, readable test data: sites and trial history written through the tool's services."""
from __future__ import annotations

from ..services.history import add_manual_history
from ..services.sites import create_site

#: name, country, city, lat, lon, history rows as (trial, selected, activated, fsi, lsi, screened, enrolled)
SITES = {
    "Berlin Heart Center": ("DE", "Berlin", 52.52, 13.405, [
        ("T-101", "2021-01-04", "2021-02-01", "2021-02-15", "2021-12-01", 60, 40),
        ("T-102", "2022-01-03", "2022-01-31", "2022-02-10", "2022-11-30", 55, 36)]),
    "Munich Cardiology Clinic": ("DE", "Munich", 48.137, 11.575, [
        ("T-101", "2021-01-04", "2021-06-01", "2021-07-01", "2021-12-01", 20, 6)]),
    "Lyon Heart Institute": ("FR", "Lyon", 45.764, 4.835, [
        ("T-103", "2021-03-01", "2021-03-20", "2021-04-01", "2022-03-01", 50, 28)]),
    "Madrid Cardiac Unit": ("ES", "Madrid", 40.4168, -3.7038, []),
}


def add_site(name: str, country: str, city: str, lat: float, lon: float, area: str = "cardiology"):
    return create_site({"name": name, "country": country, "city": city, "lat": lat, "lon": lon,
                        "therapeutic_areas": area, "network": "EuroHeart Network",
                        "investigators": f"Dr. {city} Investigator"})


def add_history(site, trial, selected, activated, fsi, lsi, screened, enrolled, area="cardiology"):
    return add_manual_history(site, {
        "trial_ref": trial, "phase": "Phase 3", "therapeutic_area": area, "condition": "Heart Failure",
        "selected_on": selected, "activated_on": activated, "first_subject_in": fsi, "last_subject_in": lsi,
        "screened": screened, "enrolled": enrolled, "target": 40, "queries_per_100": 3.5, "deviations": 2})


def seed_cardiology() -> dict[str, int]:
    """The four sites of :data:`SITES` with their history; returns their ids by name."""
    ids = {}
    for name, (country, city, lat, lon, rows) in SITES.items():
        site = add_site(name, country, city, lat, lon)
        for row in rows:
            add_history(site, *row)
        ids[name] = site.id
    return ids


RANK_SPEC = {"therapeutic_area": "cardiology", "condition": "Heart Failure", "phase": "PHASE3",
             "target_enrollment": 60, "start_date": "2025-01-01", "target_lsi": "2026-06-30"}
