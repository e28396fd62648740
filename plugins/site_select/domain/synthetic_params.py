"""Parameters of the synthetic world: how common each area, phase and country is, and how
fast sites enroll. Invented but in realistic proportions (oncology slow, infections fast)."""

AREA_WEIGHTS = {
    "oncology": 25,
    "cardiology": 13,
    "neurology": 12,
    "infectious_disease": 10,
    "respiratory": 10,
    "endocrinology": 12,
    "immunology": 10,
    "psychiatry": 8,
}
AREA_RATES = {
    "oncology": 0.6,
    "cardiology": 1.5,
    "neurology": 0.9,
    "infectious_disease": 3.0,
    "respiratory": 1.5,
    "endocrinology": 2.0,
    "immunology": 1.0,
    "psychiatry": 1.6,
}
"""Typical subjects per site-month in each area (oncology slow, vaccines/infections fast)."""
PHASE_WEIGHTS = {
    "PHASE1": 8,
    "PHASE1/PHASE2": 5,
    "PHASE2": 35,
    "PHASE2/PHASE3": 4,
    "PHASE3": 38,
    "PHASE4": 10,
}
PHASE_RATE = {
    "PHASE1": 0.6,
    "PHASE1/PHASE2": 0.7,
    "PHASE2": 0.9,
    "PHASE2/PHASE3": 0.95,
    "PHASE3": 1.0,
    "PHASE4": 1.3,
}
COUNTRY_WEIGHTS = {"US": 20, "DE": 6, "FR": 5, "GB": 5, "ES": 5, "IT": 5, "CA": 4, "PL": 4, "JP": 4, "CN": 4}
DEFAULT_COUNTRY_WEIGHT = 2.5
DRIFT_PER_YEAR = 0.05
"""Sites change (staff, patient base): log-skill wanders this much per year, so recent
history predicts better than old history."""
DRIFT_ORIGIN_YEAR = 2016
