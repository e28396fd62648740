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
from ..domain.dictionary_write import write_dictionary
from ..domain.expressions import validate
from ..domain.metadata import MetaDataVersion
from ..domain.odm import OdmError, read_odm
from ..models import MetadataVersion, Study, StudySite
from . import current_user_id, definitions
from .definitions import definition_text
from .errors import EdcInputError

OID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,99}$")
FORMATS = {"dictionary": "REDCap data dictionary (CSV)", "odm": "CDISC ODM 1.3.2 (XML)"}
SITE_ROLES = ("site_coordinator", "investigator")
STUDY_ROLES = ("data_manager", "monitor")
#: A definition file's largest size (a dictionary of thousands of fields is well under 1 MB), and
#: what the storage service accepts as one: UTF-8 text (a CSV, or an XML file, which has no signature)
DEFINITION_LIMIT = 5 * 1024 * 1024
DEFINITION_TYPES = ("text/csv", "text/plain")


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


def owns(study: Study) -> bool:
    return study.org_id == tool().current_org().id


def may_build(study: Study) -> bool:
    """Whether the current person may change the study's build (import, publish, sites, sharing):
    its owner's study managers only. A grantee works on the study; it never rebuilds or re-shares
    it, whatever its roles (a CRO's data manager holds manage_study on the shared study)."""
    return owns(study) and tool().can("manage_study", study)


def site_of(study: Study, site_id: int | None) -> StudySite | None:
    """The study's site ``site_id`` as the current organization sees it (None: not one of its)."""
    if not site_id:
        return None
    site = tool().db_session().get(StudySite, site_id)
    return site if site is not None and site.study_id == study.id else None


def version_numbered(study: Study, number: int) -> MetadataVersion | None:
    return tool().db_session().scalar(select(MetadataVersion).where(
        MetadataVersion.study_id == study.id, MetadataVersion.number == number))


def revoke_share(study: Study, grant_id: int) -> GrantInfo | None:
    """End one of the study's grants; None (nothing done) when ``grant_id`` is not one of them."""
    grant = next((g for g in tool().sharing.grants_of(study) if g.id == grant_id), None)
    if grant is not None:
        tool().sharing.revoke(grant_id)
    return grant


def dictionary_text(version: MetadataVersion) -> str:
    """The version's definition as a REDCap data dictionary CSV."""
    return write_dictionary(definitions.definition(version))


def create_study_from_file(data: bytes, fmt: str, fields: dict) -> tuple[Study, MetadataVersion]:
    """A new study with the file's definition as its draft version (not committed).

    An ODM file names the study (its Study OID, StudyName, ProtocolName), which ``fields``
    may override; a dictionary needs ``fields["name"]``. The file's problems and the fields'
    are refused together."""
    given = {key: (fields.get(key) or "").strip() for key in ("name", "oid", "protocol_name", "description")}
    if fmt == "odm":
        try:
            described = read_odm(data, strict=True).studies
        except OdmError:
            described = ()  # read_definition below names every problem
        if described:
            study = described[-1]
            found = {"name": study.name, "oid": study.oid, "protocol_name": study.protocol_name,
                     "description": study.description}
            given = {key: value or (found[key] or "").strip() for key, value in given.items()}
    problems = EdcInputError()
    try:
        read_definition(data, fmt, version_oid="MDV.1", version_name="")
    except EdcInputError as refused:
        problems.items.extend(refused.items)
    try:
        study = create_study(given)
    except EdcInputError as refused:
        problems.items.extend(refused.items)
    problems.raise_if_any()
    return study, import_definition(study, data, fmt, name=(fields.get("version_name") or "").strip())
