"""Value types of the site_select domain: immutable, validated on construction.

Everything here is plain data (frozen dataclasses), so the plugin shell can build them from
database rows or JSON and the domain functions can be tested without Flask or SQLAlchemy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from .countries import is_country_code
from .vocabulary import normalize_area, normalize_phase


@dataclass(frozen=True, slots=True)
class Site:
    """A facility with its principal investigator; ``country`` is ISO 3166-1 alpha-2."""

    site_id: int
    name: str
    country: str
    city: str
    latitude: float | None = None
    longitude: float | None = None
    therapeutic_areas: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    network: str | None = None
    investigator: str | None = None

    @property
    def coordinates(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True, slots=True)
class TrialHistory:
    """One site's part in one trial. Counts and dates may be unknown (None).

    ``started_on`` is the study's start date from the registry; it dates the row for
    recency weighting when the site's own dates are missing.
    """

    site_id: int
    trial_ref: str
    phase: str
    therapeutic_area: str
    condition: str
    selected_on: date | None = None
    activated_on: date | None = None
    first_subject_in: date | None = None
    last_subject_in: date | None = None
    screened: int | None = None
    enrolled: int | None = None
    target: int | None = None
    queries_per_100: float | None = None
    deviations: int | None = None
    started_on: date | None = None

    @property
    def reference_date(self) -> date | None:
        """The earliest known date of the row: when the site's part in the trial began."""
        for value in (
            self.selected_on,
            self.activated_on,
            self.first_subject_in,
            self.started_on,
            self.last_subject_in,
        ):
            if value is not None:
                return value
        return None


@dataclass(frozen=True, slots=True)
class TrialSpec:
    """What the new trial needs. Invalid specs raise ValueError with a user-facing message.

    ``countries`` empty means any country. ``radius_km`` needs ``center`` (lat, lon).
    """

    therapeutic_area: str
    condition: str | None
    phase: str | None
    countries: tuple[str, ...]
    target_enrollment: int
    start_date: date
    target_lsi: date | None = None
    center: tuple[float, float] | None = None
    radius_km: float | None = None
    exclude_site_ids: frozenset[int] = frozenset()
    shortlist_size: int = 20

    def __post_init__(self) -> None:
        if not self.therapeutic_area or not self.therapeutic_area.strip():
            raise ValueError("therapeutic area is required")
        object.__setattr__(self, "therapeutic_area", normalize_area(self.therapeutic_area))
        if self.phase is not None and self.phase.strip():
            object.__setattr__(self, "phase", normalize_phase(self.phase))
        else:
            object.__setattr__(self, "phase", None)
        codes = tuple(dict.fromkeys(code.strip().upper() for code in self.countries))
        unknown = [code for code in codes if not is_country_code(code)]
        if unknown:
            raise ValueError(
                f"unknown country code(s): {', '.join(unknown)} (use ISO 3166-1 alpha-2, e.g. 'DE')"
            )
        object.__setattr__(self, "countries", codes)
        if isinstance(self.target_enrollment, bool) or not isinstance(self.target_enrollment, int):
            raise ValueError("target enrollment must be a whole number")
        if self.target_enrollment <= 0:
            raise ValueError(f"target enrollment must be positive, got {self.target_enrollment}")
        if self.target_lsi is not None and self.target_lsi <= self.start_date:
            raise ValueError("target last-subject-in date must be after the start date")
        self._check_geography()
        object.__setattr__(self, "exclude_site_ids", frozenset(self.exclude_site_ids))
        if self.shortlist_size < 1:
            raise ValueError(f"shortlist size must be at least 1, got {self.shortlist_size}")

    def _check_geography(self) -> None:
        if self.center is not None:
            if len(self.center) != 2:
                raise ValueError("center must be a (latitude, longitude) pair")
            lat, lon = (float(value) for value in self.center)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"center ({lat}, {lon}) is not a valid latitude/longitude")
            object.__setattr__(self, "center", (lat, lon))
        if self.radius_km is not None:
            if self.center is None:
                raise ValueError("a radius needs a center point (latitude, longitude)")
            if not math.isfinite(self.radius_km) or self.radius_km <= 0:
                raise ValueError(f"radius must be a positive number of km, got {self.radius_km}")


WEIGHT_NAMES: tuple[str, ...] = (
    "enrollment",
    "screen_failure",
    "startup",
    "zero_enroller",
    "data_quality",
    "experience",
)


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative importance of each score component; only the proportions matter.

    The defaults favour what sponsors lose most time on: slow enrollment first, then
    start-up and experience in the area.
    """

    enrollment: float = 0.35
    screen_failure: float = 0.15
    startup: float = 0.15
    zero_enroller: float = 0.10
    data_quality: float = 0.10
    experience: float = 0.15

    def __post_init__(self) -> None:
        for name in WEIGHT_NAMES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"weight {name!r} must be a number, got {value!r}")
            if value < 0:
                raise ValueError(f"weight {name!r} must not be negative, got {value}")
            object.__setattr__(self, name, float(value))
        if sum(getattr(self, name) for name in WEIGHT_NAMES) == 0:
            raise ValueError("at least one weight must be greater than zero")

    @classmethod
    def from_dict(cls, values: Mapping[str, float]) -> Weights:
        """Build from a mapping (e.g. JSON); names left out keep their defaults."""
        unknown = sorted(set(values) - set(WEIGHT_NAMES))
        if unknown:
            raise ValueError(f"unknown weight(s): {', '.join(unknown)} (known: {', '.join(WEIGHT_NAMES)})")
        return cls(**dict(values))

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in WEIGHT_NAMES}

    def normalized(self) -> Weights:
        """The same proportions scaled to sum to 1."""
        total = sum(self.as_dict().values())
        return Weights(**{name: value / total for name, value in self.as_dict().items()})


@dataclass(frozen=True, slots=True)
class SiteMetrics:
    """Recency-weighted performance of one site (within a therapeutic area when asked).

    ``trials`` counts the rows used; ``effective_trials`` is their summed recency weight.
    ``enrollment_rate`` is shrunk toward the area mean, ``raw_enrollment_rate`` is not.
    Rates are subjects per site-month active (activation to last subject in).
    """

    site_id: int
    trials: int
    enrollment_rate: float | None
    raw_enrollment_rate: float | None
    screen_failure_rate: float | None
    startup_days: float | None
    zero_enroller_share: float | None
    queries_per_100: float | None
    deviations_per_subject: float | None
    last_activity: date | None
    effective_trials: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Baseline:
    """Means over all sites in the scope (e.g. the therapeutic area): the shrinkage target and
    the neutral value used when a site has no data for a metric."""

    enrollment_rate: float | None
    screen_failure_rate: float | None
    startup_days: float | None
    zero_enroller_share: float | None
    queries_per_100: float | None
    deviations_per_subject: float | None
    prior_strength: float
    sites: int


@dataclass(frozen=True, slots=True)
class ScoredSite:
    """A ranked site: score 0..100 = sum of contributions (weight x component x 100)."""

    site: Site
    score: float
    components: dict[str, float]
    contributions: dict[str, float]
    metrics: SiteMetrics
    distance_km: float | None
    reasons_up: tuple[str, ...]
    reasons_down: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Forecast:
    """Expected enrollment of a shortlist; ``per_site`` is (site_id, subjects per month)."""

    monthly_rate: float
    months_to_target: float | None
    projected_lsi: date | None
    target_lsi: date | None
    on_track: bool | None
    per_site: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row an import skipped: file name, 1-based line number (header = 1) and why."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class AactImport:
    """Result of parsing AACT-layout files: what was accepted and what was rejected."""

    sites: tuple[Site, ...]
    history: tuple[TrialHistory, ...]
    rejected: tuple[RejectedRow, ...] = field(default_factory=tuple)


def field_names(cls: type) -> tuple[str, ...]:
    """Field names of one of these dataclasses, in order (handy for CSV headers)."""
    return tuple(item.name for item in fields(cls))
