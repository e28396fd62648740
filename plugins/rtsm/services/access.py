"""Finding a study, a site or an allocation the acting person may see: the tenant wall already
hides other organizations' rows and sites outside a site-limited grant; ``can`` adds the
person's rights. None means "not there" (pages and the API answer 404, never 403)."""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..models import Allocation, Study, StudySite


def visible_study(study_id: int) -> Study | None:
    study = tool().db_session().get(Study, study_id)
    return study if study is not None and tool().can("view_study", study) else None


def visible_allocation(allocation_id: int) -> Allocation | None:
    allocation = tool().db_session().get(Allocation, allocation_id)
    return allocation if allocation is not None and tool().can("view_study", allocation) else None


def visible_sites(study: Study) -> list[StudySite]:
    """The study's sites this organization sees (one, for a site organization)."""
    return list(tool().db_session().scalars(
        select(StudySite).where(StudySite.study_id == study.id).order_by(StudySite.code)))


def sites_where(permission: str, study: Study) -> list[StudySite]:
    """The visible sites where the acting person holds ``permission`` (randomize, dispense...)."""
    return [site for site in visible_sites(study) if tool().can(permission, site)]


def site_by_code(study: Study, code: str) -> StudySite | None:
    """The visible site of the study with this number."""
    return tool().db_session().scalar(
        select(StudySite).where(StudySite.study_id == study.id, StudySite.code == code))


def unblinded(record) -> bool:
    """Whether the acting person may see treatment arms on ``record`` (a study, or a row of it).
    Nobody is unblinded by being an owner or admin: only the roles that include ``see_arms``."""
    return tool().can("see_arms", record)


def owns(study: Study) -> bool:
    """Whether the study is the current organization's own (not one shared with it)."""
    org = tool().current_org()
    return org is not None and study.org_id == org.id
