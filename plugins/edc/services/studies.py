"""Studies, their sites and their metadata versions: create, import a definition, publish, share.

A study has at most one draft version at a time (importing again replaces the draft); publishing
makes it the version new forms are entered under. Published versions never change.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from sqlalchemy import func, select

from sdk import tool, utcnow
from sdk.sharing import GrantInfo, ShareError

from ..domain.dictionary import DictionaryError, read_dictionary
from ..domain.expressions import validate
from ..domain.metadata import MetaDataVersion
from ..domain.odm import OdmError, read_odm
from ..models import MetadataVersion, Study, StudySite
from . import current_user_id
from .definitions import definition_text
from .errors import EdcInputError

OID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,99}$")
FORMATS = {"dictionary": "REDCap data dictionary (CSV)", "odm": "CDISC ODM 1.3.2 (XML)"}
SITE_ROLES = ("site_coordinator", "investigator")
STUDY_ROLES = ("data_manager", "monitor")


def _oid_from(name: str) -> str:
    oid = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()[:60]
    return oid if oid and oid[0].isalpha() else f"S_{oid}"[:60]


def create_study(data: dict) -> Study:
    """A new study of the current organization (not committed)."""
    problems = EdcInputError()
    name = (data.get("name") or "").strip()
    oid = (data.get("oid") or "").strip() or _oid_from(name)
    if not name:
        problems.add("name", "Enter the study's name.")
    elif len(name) > 200:
        problems.add("name", "Keep the name to 200 characters.")
    if data.get("oid") and not OID_PATTERN.match(oid):
        problems.add("oid", "The study OID starts with a letter and holds letters, digits, '.', '_' or '-' "
                            "(at most 100).")
    elif name and tool().db_session().scalar(select(Study.id).where(Study.oid == oid, Study.org_id ==
                                                                     tool().current_org().id)):
        problems.add("oid", f"Your organization has a study with the OID {oid} already.")
    protocol = (data.get("protocol_name") or "").strip()
    if len(protocol) > 200:
        problems.add("protocol_name", "Keep the protocol name to 200 characters.")
    problems.raise_if_any()
    study = Study(oid=oid, name=name, protocol_name=protocol, description=(data.get("description") or "").strip())
    tool().db_session().add(study)
    tool().db_session().flush()
    return study


def add_site(study: Study, data: dict) -> StudySite:
    problems = EdcInputError()
    code = (data.get("code") or "").strip()
    name = (data.get("name") or "").strip()
    if not code:
        problems.add("code", "Enter the site number, for example 101.")
    elif len(code) > 40 or not OID_PATTERN.match(code if code[0].isalpha() else f"S{code}"):
        problems.add("code", "A site number holds letters, digits, '.', '_' or '-' (at most 40).")
    elif any(site.code == code for site in study.sites):
        problems.add("code", f"The study has a site {code} already.")
    if not name:
        problems.add("name", "Enter the site's name.")
    elif len(name) > 200:
        problems.add("name", "Keep the name to 200 characters.")
    problems.raise_if_any()
    site = StudySite(study=study, code=code, name=name, oid=(data.get("oid") or "").strip() or f"SITE.{code}")
    tool().db_session().add(site)
    tool().db_session().flush()
    return site


def versions(study: Study) -> list[MetadataVersion]:
    return list(tool().db_session().scalars(select(MetadataVersion).where(MetadataVersion.study_id == study.id)
                                            .order_by(MetadataVersion.number)))


def published_version(study: Study) -> MetadataVersion | None:
    """The version new forms are entered under: the last one published."""
    return tool().db_session().scalar(
        select(MetadataVersion).where(MetadataVersion.study_id == study.id, MetadataVersion.published_at.is_not(None))
        .order_by(MetadataVersion.number.desc()).limit(1))


def draft_version(study: Study) -> MetadataVersion | None:
    return tool().db_session().scalar(select(MetadataVersion).where(
        MetadataVersion.study_id == study.id, MetadataVersion.published_at.is_(None)))


def read_definition(data: bytes, fmt: str, *, version_oid: str, version_name: str) -> MetaDataVersion:
    """A metadata version from a REDCap dictionary or an ODM file; every problem refused at once,
    each naming its row or element, and the expressions checked against the variables."""
    try:
        if fmt == "dictionary":
            version = read_dictionary(data, version_oid=version_oid, version_name=version_name)
        elif fmt == "odm":
            odm = read_odm(data, strict=True)
            found = [v for study in odm.studies for v in study.versions]
            if not found:
                raise EdcInputError([("file", "The ODM file holds no Study with a MetaDataVersion.")])
            version = found[-1]
        else:
            raise EdcInputError([("format", "Choose the file's format: a REDCap data dictionary or CDISC ODM.")])
    except (DictionaryError, OdmError) as exc:
        raise EdcInputError([("file", problem) for problem in (exc.problems or [str(exc)])]) from None
    _check_expressions(version)
    return version


def _check_expressions(version: MetaDataVersion) -> None:
    variables = {item.variable for item in version.items if item.variable}
    events = {event.oid for event in version.events} | {event.name for event in version.events}
    problems = EdcInputError()
    for kind, defs in (("ConditionDef", version.conditions), ("MethodDef", version.methods)):
        for definition in defs:
            if definition.context != "REDCap":
                continue
            for problem in validate(definition.expression, variables, events):
                problems.add("file", f"{kind} '{definition.oid}': {problem}")
    problems.raise_if_any()


def import_definition(study: Study, data: bytes, fmt: str, *, name: str = "") -> MetadataVersion:
    """The study's draft version, from a file (replacing an earlier draft); not committed."""
    session = tool().db_session()
    numbers = session.scalar(select(func.max(MetadataVersion.number)).where(MetadataVersion.study_id == study.id))
    draft = draft_version(study)
    number = draft.number if draft else (numbers or 0) + 1
    version = read_definition(data, fmt, version_oid=f"MDV.{number}", version_name=name or f"Version {number}")
    if version.oid in {v.oid for v in versions(study) if v is not draft}:
        version = replace(version, oid=f"MDV.{number}")  # a file re-using an earlier version's OID
    text = definition_text(study, version)
    row = draft or MetadataVersion(study=study, number=number)
    row.oid, row.name, row.source = version.oid, version.name or f"Version {number}", fmt
    row.odm, row.sha256 = text, hashlib.sha256(text.encode("utf-8")).hexdigest()
    session.add(row)
    session.flush()
    return row


def publish(version: MetadataVersion) -> None:
    if version.is_published:
        raise EdcInputError([(None, f"{version.name} is published already.")])
    version.published_at = utcnow()
    version.published_by_id = current_user_id()
    tool().db_session().flush()


def share_study(study: Study, *, with_org: str, roles: list[str], site: StudySite | None = None) -> GrantInfo:
    """Invite an organization: a CRO to the whole study, a site organization to one site."""
    problems = EdcInputError()
    allowed = SITE_ROLES if site is not None else STUDY_ROLES + SITE_ROLES
    if not roles:
        problems.add("roles", "Choose at least one role.")
    elif any(role not in allowed for role in roles):
        problems.add("roles", "A site organization works as site coordinator or investigator."
                     if site is not None else "Choose roles the study declares.")
    problems.raise_if_any()
    try:
        return tool().sharing.share(study, with_org=with_org, roles=roles, site_id=site.id if site else None,
                                    site_label=str(site) if site else None, label=study.name)
    except ShareError as exc:
        raise EdcInputError([("org", str(exc))]) from None
