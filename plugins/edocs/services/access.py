"""Finding a binder, a document or a version the acting person may see, and asking what they may
do where a document would be filed. The tenant wall already hides other organizations' rows and
other sites' documents from a site-limited grant; ``can`` adds the person's rights. None means
"not there" (pages and the API answer 404, never 403)."""
from __future__ import annotations

from sqlalchemy import select

from sdk import tool

from ..models import Document, Study, StudySite, Version


def visible_study(study_id: int) -> Study | None:
    study = tool().db_session().get(Study, study_id)
    return study if study is not None and tool().can("view_binder", study) else None


def visible_document(document_id: int) -> Document | None:
    document = tool().db_session().get(Document, document_id)
    return document if document is not None and tool().can("view_binder", document) else None


def visible_version(version_id: int) -> Version | None:
    version = tool().db_session().get(Version, version_id)
    return version if version is not None and tool().can("view_binder", version) else None


def visible_sites(study: Study) -> list[StudySite]:
    """The study's sites this organization sees (one, for a site organization)."""
    return list(tool().db_session().scalars(
        select(StudySite).where(StudySite.study_id == study.id).order_by(StudySite.code)))


def site_by_code(study: Study, code: str) -> StudySite | None:
    return tool().db_session().scalar(
        select(StudySite).where(StudySite.study_id == study.id, StudySite.code == code))


def may_at(permission: str, study: Study, site: StudySite | None) -> bool:
    """Whether the acting person holds ``permission`` where a document of ``study`` at ``site``
    (None: trial or country level) would be filed. Asked of a placement that is never saved, so
    a site organization, whose grant covers only its site, holds nothing at trial level."""
    placement = Document(org_id=study.org_id, study_id=study.id, site_id=site.id if site else None)
    return tool().can(permission, placement)


def sees_whole_study(study: Study) -> bool:
    """Whether the person sees the trial-level documents (the owner, or a whole-study grant)."""
    return may_at("view_binder", study, None)


def owns(study: Study) -> bool:
    org = tool().current_org()
    return org is not None and study.org_id == org.id
