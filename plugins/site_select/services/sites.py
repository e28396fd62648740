"""The site master: the directory query (filters, pagination) and creating or changing a site."""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import String, cast, func, or_, select

from sdk import tool

from ..domain import country_code, normalize_area, normalize_facility_name
from ..models import Site, TrialHistory
from .errors import SiteSelectError

PAGE_SIZE = 25


@dataclass(frozen=True)
class SiteFilters:
    country: str = ""
    area: str = ""
    network: str = ""
    search: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "SiteFilters":
        try:
            page = max(int(args.get("page", 1)), 1)
        except (TypeError, ValueError):
            page = 1
        return cls(country=(args.get("country") or "").strip().upper()[:2],
                   area=normalize_area(args.get("area") or "") if (args.get("area") or "").strip() else "",
                   network=(args.get("network") or "").strip()[:200],
                   search=(args.get("q") or "").strip()[:100], page=page)


@dataclass(frozen=True)
class SitePage:
    sites: list[Site]
    trials: dict[int, int]
    total: int
    page: int
    pages: int


def directory_query(filters: SiteFilters):
    """The organization's sites that match the filters (unordered: the caller sorts and pages)."""
    query = select(Site)
    if filters.country:
        query = query.where(Site.country == filters.country)
    if filters.network:
        query = query.where(Site.network == filters.network)
    if filters.area:
        query = query.where(cast(Site.therapeutic_areas, String).like(f'%"{filters.area}"%'))
    if filters.search:
        needle = f"%{filters.search.lower()}%"
        query = query.where(or_(func.lower(Site.name).like(needle), func.lower(Site.city).like(needle),
                                func.lower(cast(Site.investigators, String)).like(needle)))
    return query


def trial_counts(site_ids) -> dict[int, int]:
    """How many trials each site has history for."""
    return dict(tool().db_session().execute(
        select(TrialHistory.site_id, func.count(TrialHistory.id))
        .where(TrialHistory.site_id.in_(list(site_ids))).group_by(TrialHistory.site_id)).all())


def directory(filters: SiteFilters, per_page: int = PAGE_SIZE) -> SitePage:
    """One page of the organization's sites by name, with the number of trials each has history
    for (the JSON API's list; the directory page sorts with the kit's table)."""
    session = tool().db_session()
    query = directory_query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(ceil(total / per_page), 1)
    page = min(filters.page, pages)
    sites = list(session.scalars(query.order_by(Site.name, Site.id)
                                 .offset((page - 1) * per_page).limit(per_page)))
    return SitePage(sites, trial_counts(s.id for s in sites), total, page, pages)


def facets() -> dict[str, list[str]]:
    """Values to offer in the directory's filters: countries and networks in use."""
    session = tool().db_session()
    countries = session.scalars(select(Site.country).distinct().order_by(Site.country))
    networks = session.scalars(select(Site.network).where(Site.network.is_not(None))
                               .distinct().order_by(Site.network))
    return {"countries": list(countries), "networks": [n for n in networks if n]}


def get_site(site_id: int) -> Site | None:
    return tool().db_session().get(Site, site_id)


def _split(text) -> list[str]:
    if isinstance(text, (list, tuple)):
        items = text
    else:
        items = str(text or "").replace("\n", ";").split(";")
    return list(dict.fromkeys(item.strip() for item in items if str(item).strip()))


def _coordinate(value, low: float, high: float, field: str, label: str, problems: list) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append((field, f"{label} must be a number"))
        return None
    if not low <= number <= high:
        problems.append((field, f"{label} must be between {low:g} and {high:g}"))
        return None
    return number


def clean_site_input(data) -> dict:
    """Validate form or JSON input for a site; raises SiteSelectError listing every problem."""
    problems: list[tuple[str, str]] = []
    name = str(data.get("name") or "").strip()
    if not name:
        problems.append(("name", "name is required"))
    elif len(name) > 300:
        problems.append(("name", "name is longer than 300 characters"))
    code = country_code(str(data.get("country") or ""))
    if code is None:
        problems.append(("country", "country must be an ISO 3166 country (code such as DE, or its name)"))
    lat = _coordinate(data.get("lat"), -90, 90, "lat", "latitude", problems)
    lon = _coordinate(data.get("lon"), -180, 180, "lon", "longitude", problems)
    if (lat is None) != (lon is None) and not problems:
        problems.append(("lon" if lon is None else "lat", "give both latitude and longitude, or neither"))
    if problems:
        raise SiteSelectError.of(problems)
    return {"name": name, "normalized_name": normalize_facility_name(name)[:300] or name.lower()[:300],
            "country": code, "city": str(data.get("city") or "").strip()[:120], "lat": lat, "lon": lon,
            "therapeutic_areas": [normalize_area(a) for a in _split(data.get("therapeutic_areas"))],
            "conditions": _split(data.get("conditions")),
            "network": str(data.get("network") or "").strip()[:200] or None,
            "investigators": _split(data.get("investigators"))}


def _refuse_duplicate(values: dict, site_id: int | None) -> None:
    clash = tool().db_session().scalar(select(Site.id).where(
        Site.normalized_name == values["normalized_name"], Site.country == values["country"],
        Site.city == values["city"]))
    if clash is not None and clash != site_id:
        raise SiteSelectError(f"a site named {values['name']!r} in {values['city'] or values['country']} "
                              "is already in the site master")


def create_site(data) -> Site:
    values = clean_site_input(data)
    _refuse_duplicate(values, None)
    site = Site(**values)
    session = tool().db_session()
    session.add(site)
    session.flush()
    return site


def update_site(site: Site, data) -> Site:
    values = clean_site_input(data)
    _refuse_duplicate(values, site.id)
    for key, value in values.items():
        setattr(site, key, value)
    tool().db_session().flush()
    return site
