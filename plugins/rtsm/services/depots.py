"""Depots, the study's expiry windows and each site's supply settings (min/max, initial shipment,
activation). Changing them needs ``manage_supply`` or ``manage_study`` on a study the
organization owns; every change is audited by the models."""
from __future__ import annotations

from datetime import UTC, datetime

from sdk import tool

from ..domain.supply import supply_problems, window_problems
from ..models import Depot, Shipment, Study, StudySite
from .errors import ConflictError, RtsmInputError
from .shipments import request_shipment
from .supply_access import depot_of, list_depots, require_supply_manager


def add_depot(study: Study, data: dict) -> Depot:
    require_supply_manager(study)
    code, name = str(data.get("code") or "").strip(), str(data.get("name") or "").strip()
    problems = RtsmInputError()
    if not code or len(code) > 40 or "|" in code:
        problems.add("code", "The depot code is required (at most 40 characters, no '|').")
    elif any(depot.code == code for depot in list_depots(study)):
        problems.add("code", f"The study has a depot {code} already.")
    if len(name) > 200:
        problems.add("name", "The depot's name has at most 200 characters.")
    problems.raise_if_any()
    depot = Depot(study_id=study.id, code=code, name=name)
    tool().db_session().add(depot)
    tool().db_session().flush()
    return depot


def _whole(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return value


def set_windows(study: Study, data: dict) -> Study:
    """The do-not-ship and do-not-dispense windows (days before expiry)."""
    require_supply_manager(study)
    ship, dispense = _whole(data.get("do_not_ship_days")), _whole(data.get("do_not_dispense_days"))
    RtsmInputError(window_problems(ship, dispense)).raise_if_any()
    study.do_not_ship_days, study.do_not_dispense_days = ship, dispense
    tool().db_session().flush()
    return study


def set_site_supply(site: StudySite, data: dict) -> StudySite:
    """A site's resupply trigger, top-up level, initial shipment and supplying depot."""
    require_supply_manager(site.study)
    values = {key: _whole(data.get(key, getattr(site, key))) for key in ("min_stock", "max_stock", "initial_kits")}
    problems = RtsmInputError(supply_problems(values["min_stock"], values["max_stock"], values["initial_kits"]))
    depot_id = site.depot_id
    if data.get("depot"):
        depot = next((d for d in list_depots(site.study) if d.code == str(data["depot"]).strip()), None)
        if depot is None:
            problems.add("depot", f"There is no depot '{data['depot']}' in this study.")
        else:
            depot_id = depot.id
    problems.raise_if_any()
    for key, value in values.items():
        setattr(site, key, value)
    site.depot_id = depot_id
    tool().db_session().flush()
    return site


def activate_site(site: StudySite) -> Shipment | None:
    """Activate the site and request its initial shipment of ``initial_kits`` (spread over the
    arms by the ratio); None when the site gets no initial kits or the depot has none."""
    require_supply_manager(site.study)
    if site.activated_at is not None:
        raise ConflictError(f"Site {site.code} is active already.")
    site.activated_at = datetime.now(UTC)
    tool().db_session().flush()
    if site.initial_kits <= 0 or depot_of(site) is None:
        return None
    return request_shipment(site, quantity=site.initial_kits, kind="initial", partial=True)
