"""Putting a version into the search index: the ``extract_text`` job, which ``documents`` starts
after each new version, and :func:`refresh_metadata` for when a document's title or tags change.

The job runs as the person who filed, in their organization (a site organization files into its
sponsor's binder): it finds the version through their scoped session, which their grant lets
them see, reads its bytes from the owner's storage (verified against its SHA-256) and writes the
index row in the owner's scope, as every edocs row is the binder owner's.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from sdk import org_scope, tool
from sdk.files import FileCorrupted
from sdk.jobs import JobFailed, JobResult

from ..domain.text_extractors import clean, extract
from ..models import Document, SearchText, Version
from .stored_files import read_version

log = logging.getLogger(__name__)
#: stop reading a file after this many bytes: the extractors keep far less text than this
MAX_READ_BYTES = 110 * 1024 * 1024


def extract_text(progress, *, version_id: int) -> JobResult:
    """Extract a document's text for search"""
    session = tool().db_session()
    version = session.get(Version, version_id)
    if version is None:
        raise JobFailed("The document version is gone, or no longer shared with you; nothing to index.")
    try:
        with read_version(version) as stream:
            data = stream.read(MAX_READ_BYTES)
    except FileCorrupted:
        log.warning("edocs version %s: stored file failed its SHA-256 check; not indexed", version.id)
        result_status, text = "failed", ""
    else:
        extracted = extract(data, version.content_type)
        result_status, text = extracted.status, extracted.text
    with org_scope(version.org_id):
        _write(session, version, text)
        version.text_status = result_status
        session.flush()
    return JobResult(summary=_SUMMARIES[result_status].format(name=version.filename),
                     data={"version_id": version.id, "text_status": result_status, "characters": len(text)})


_SUMMARIES = {
    "done": "The text of {name} is searchable.",
    "empty": "{name} holds no text to search (a scan or an image); its title and tags are searchable.",
    "failed": "The text of {name} could not be read; its title and tags are searchable.",
}


def refresh_metadata(document: Document) -> None:
    """Re-index the title, artifact, tags, site and file names of every version of ``document``
    (call after changing them); flushed."""
    session = tool().db_session()
    with org_scope(document.org_id):
        rows = session.scalars(select(SearchText).where(SearchText.document_id == document.id))
        versions = {v.id: v for v in document.versions}
        for row in rows:
            if row.version_id in versions:
                row.metadata_text = metadata_text(document, versions[row.version_id])
        session.flush()


def metadata_text(document: Document, version: Version) -> str:
    """What is searched beside the text: title, artifact number and name, tags, site, country,
    file name and version label."""
    artifact = document.artifact
    site = document.site
    parts = [document.title,
             artifact.number if artifact else "", artifact.name if artifact else "",
             " ".join(document.tags or []),
             f"{site.code} {site.name}" if site else "", document.country,
             version.filename, version.label]
    return clean(" \n".join(part for part in parts if part))


def _write(session, version: Version, text: str) -> None:
    document = version.document
    row = session.scalar(select(SearchText).where(SearchText.version_id == version.id))
    if row is None:
        row = SearchText(version_id=version.id, document_id=document.id, study_id=version.study_id,
                         site_id=version.site_id)
        session.add(row)
    row.metadata_text = metadata_text(document, version)
    row.text = text
