"""Pure domain core of site_select: metrics, ranking, forecast, import, synthetic data.

No Flask, no SQLAlchemy, no host or sdk imports: the plugin shell converts its rows to these
value types and calls these functions, and tests and the benchmark call them directly.
"""

from .aact import AACT_FILES, layout_problems, parse_aact
from .aact_writer import generate_aact
from .backtest import backtest, ndcg_at_k
from .countries import country_code, country_name, is_country_code
from .dedupe import find_duplicates, name_similarity, normalize_facility_name
from .forecast import forecast_enrollment
from .generator import generate_dataset
from .geo import filter_sites, haversine_km
from .metrics import compute_metrics, compute_metrics_with_baseline, screen_failure_rate
from .places import city_coordinates
from .ranking import rank_sites, score_sites
from .types import (
    WEIGHT_NAMES,
    AactImport,
    Baseline,
    Forecast,
    RejectedRow,
    ScoredSite,
    Site,
    SiteMetrics,
    TrialHistory,
    TrialSpec,
    Weights,
)
from .vocabulary import PHASES, area_for_condition, normalize_area, normalize_phase, therapeutic_areas

__all__ = [
    "AACT_FILES",
    "PHASES",
    "WEIGHT_NAMES",
    "AactImport",
    "Baseline",
    "Forecast",
    "RejectedRow",
    "ScoredSite",
    "Site",
    "SiteMetrics",
    "TrialHistory",
    "TrialSpec",
    "Weights",
    "area_for_condition",
    "backtest",
    "city_coordinates",
    "compute_metrics",
    "compute_metrics_with_baseline",
    "country_code",
    "country_name",
    "filter_sites",
    "find_duplicates",
    "forecast_enrollment",
    "generate_aact",
    "generate_dataset",
    "haversine_km",
    "is_country_code",
    "layout_problems",
    "name_similarity",
    "ndcg_at_k",
    "normalize_area",
    "normalize_facility_name",
    "normalize_phase",
    "parse_aact",
    "rank_sites",
    "score_sites",
    "screen_failure_rate",
    "therapeutic_areas",
]
