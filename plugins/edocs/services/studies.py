"""Opening a binder (seeded from the TMF Reference Model), its sites, closing it, sharing it.

Everything a user sends is checked at once and refused with every problem named
(:class:`EdocsInputError`), nothing written. Changes are audited by the models (``@audited``) and
the sharing service.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sdk import tool, utcnow
from sdk.sharing import GrantInfo, ShareError

from ..domain.lifecycle import IN_USE
from ..domain.reference_model import load_reference_model
from ..models import Artifact, Study, StudySite, Version
from . import current_user_id
from .errors import ConflictError, EdocsInputError, NotAllowed

#: what a site organization may do for its own site; the whole-binder roles go to a CRO
SITE_ROLES = ("site_filer", "inspector")
STUDY_ROLES = ("tmf_manager", "cta", "qc_reviewer", "approver", "monitor", "site_filer", "inspector")
MAX_TEXT = 200
MAX_SITE_CODE = 40


def _text(data: dict, key: str, problems: EdocsInputError, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        problems.add(key, f"{key} must be text.")
        return ""
    value = (value or "").strip()
    if required and not value:
        problems.add(key, f"Give the {key}.")
    elif len(value) > limit:
        problems.add(key, f"Keep the {key} to {limit} characters.")
    return value


def create_study(data: dict) -> Study:
    """A new binder of the current organization, with every artifact of the reference model and
    the sites given (``[{"code", "name", "country"}]``); flushed, not committed."""
    problems = EdocsInputError()
    name = _text(data, "name", problems, required=True)
    protocol = _text(data, "protocol", problems)
    session = tool().db_session()
    if name and session.scalar(select(Study.id).where(Study.name == name)) is not None:
        problems.add("name", f"A binder named {name!r} exists already.")
    sites = data.get("sites") or []
    if not isinstance(sites, list):
        problems.add("sites", "sites must be a list of {code, name, country}.")
        sites = []
    cleaned = [_site_values(entry, f"sites[{i}]", problems) for i, entry in enumerate(sites)]
    codes = [entry["code"] for entry in cleaned if entry]
    if len(codes) != len(set(codes)):
        problems.add("sites", "Each site number may be listed once.")
    problems.raise_if_any()
    study = Study(name=name, protocol=protocol, status="active", created_by_id=current_user_id())
    session.add(study)
    session.flush()
    session.add_all(Artifact(study_id=study.id, number=a.number, zone_name=a.zone_name,
                             section_name=a.section_name, name=a.name, core=a.core,
                             levels=",".join(a.levels)) for a in load_reference_model())
    for entry in cleaned:
        session.add(StudySite(study_id=study.id, **entry))
    session.flush()
    return study


def _site_values(entry, path: str, problems: EdocsInputError) -> dict | None:
    if not isinstance(entry, dict):
        problems.add(path, "A site is {code, name, country}.")
        return None
    local = EdocsInputError()
    code = _text(entry, "code", local, required=True, limit=MAX_SITE_CODE)
    name = _text(entry, "name", local)
    country = _text(entry, "country", local, limit=2).upper()
    if country and not (len(country) == 2 and country.isalpha()):
        local.add("country", "The country is a two-letter ISO code (DE, US...).")
    for field, message in local.items:
        problems.add(f"{path}.{field}" if path else field, message)
    return {"code": code, "name": name, "country": country} if not local.items else None


def add_site(study: Study, data: dict) -> StudySite:
    ensure_open(study)
    problems = EdocsInputError()
    values = _site_values(data, "", problems)
    if values and tool().db_session().scalar(select(StudySite.id).where(
            StudySite.study_id == study.id, StudySite.code == values["code"])) is not None:
        problems.add("code", f"Site {values['code']} is in the binder already.")
    problems.raise_if_any()
    site = StudySite(study_id=study.id, **values)
    tool().db_session().add(site)
    tool().db_session().flush()
    return site


def ensure_open(study: Study) -> None:
    if study.status == "closed":
        raise ConflictError(f"The binder {study.name} is closed: its documents are archived and "
                            "nothing more can be filed or changed.")


def close_study(study: Study, *, ended_on: date | None = None) -> int:
    """Close the binder at the study's end: every version still in use is archived (returned:
    how many); the study's end date (today when not given, never in the future) starts the
    retention periods. Only the owner's binder managers close a binder; closing is final."""
    if not may_manage(study):
        raise NotAllowed("Closing a binder needs manage_binder in the organization that owns it.")
    ensure_open(study)
    if ended_on is not None and ended_on > utcnow().date():
        raise EdocsInputError([("ended_on", "The study's end cannot be in the future.")])
    session = tool().db_session()
    versions = session.scalars(select(Version).where(Version.study_id == study.id, Version.status.in_(IN_USE)))
    count = 0
    for version in versions:
        version.status = "archived"
        count += 1
    study.status, study.closed_at = "closed", utcnow()
    study.ended_on = ended_on or study.ended_on or utcnow().date()
    session.flush()
    return count


def set_retention(study: Study, number: str, years) -> Artifact:
    """The retention period of one artifact type of the binder, in years after the study ends."""
    problems = EdocsInputError()
    if isinstance(years, str) and years.strip().isdigit():
        years = int(years)
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100:
        problems.add("retention_years", "The retention period is a whole number of years, 1 to 100.")
    artifact = artifact_by_number(study, number)
    if artifact is None:
        problems.add("artifact", f"{number!r} is not an artifact of this binder.")
    problems.raise_if_any()
    artifact.retention_years = years
    tool().db_session().flush()
    return artifact


def artifact_by_number(study: Study, number: str) -> Artifact | None:
    return tool().db_session().scalar(select(Artifact).where(Artifact.study_id == study.id, Artifact.number == number))


def artifacts_of(study: Study) -> list[Artifact]:
    return list(tool().db_session().scalars(
        select(Artifact).where(Artifact.study_id == study.id).order_by(Artifact.number)))


def share_study(study: Study, *, with_org: str, roles: list[str], site: StudySite | None = None) -> GrantInfo:
    """Invite an organization: a CRO to the whole binder, a site organization to one site (it then
    files and sees that site's documents only). Pending until its admins accept."""
    problems = EdocsInputError()
    allowed = SITE_ROLES if site is not None else STUDY_ROLES
    if not roles:
        problems.add("roles", "Choose at least one role.")
    elif any(role not in allowed for role in roles):
        problems.add("roles", f"Choose among {', '.join(allowed)}"
                     + (" (a site organization works on its own site's documents)." if site is not None else "."))
    problems.raise_if_any()
    try:
        return tool().sharing.share(study, with_org=with_org, roles=list(roles), site_id=site.id if site else None,
                                    site_label=str(site) if site else None, label=study.name)
    except ShareError as exc:
        raise EdocsInputError([("org", str(exc))]) from None


def may_manage(study: Study) -> bool:
    """Whether the acting person may change the binder's set-up: its owner's managers only."""
    org = tool().current_org()
    return org is not None and study.org_id == org.id and tool().can("manage_binder", study)


def studies_in_reach() -> list[Study]:
    """The binders the organization owns or was granted, by name."""
    return [study for study in tool().db_session().scalars(select(Study).order_by(Study.name))
            if tool().can("view_binder", study)]
