"""Who manages a study's supply, and which depot supplies a site: shared by the supply services."""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..models import Depot, Study, StudySite
from .access import owns
from .errors import NotAllowed


def may_manage_supply(study: Study) -> bool:
    return owns(study) and (tool().can("manage_supply", study) or tool().can("manage_study", study))


def require_supply_manager(study: Study) -> None:
    if not may_manage_supply(study):
        raise NotAllowed("This needs the 'manage_supply' permission on a study your organization owns.")


def list_depots(study: Study) -> list[Depot]:
    return list(tool().db_session().scalars(select(Depot).where(Depot.study_id == study.id).order_by(Depot.code)))


def depot_of(site: StudySite) -> Depot | None:
    """The depot that supplies the site: its own, else the study's first."""
    if site.depot_id:
        return tool().db_session().get(Depot, site.depot_id)
    return next(iter(list_depots(site.study)), None)
