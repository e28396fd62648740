"""Exporting a binder as a TMF Exchange Mechanism zip (``domain.exchange``).

The zip holds every version of every document the person sees in the binder (a site
organization: its own site's), each read back from the owner's storage with its SHA-256 checked,
and ``exchange.xml`` listing them with their checksums, statuses and metadata. It is written to a
temporary file, not to memory: a binder can hold gigabytes. The export is audited on the binder.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select

from sdk import org_scope, tool, utcnow
from sdk.files import FileCorrupted

from ..domain.exchange import ExchangeError, ExchangeFile, ExchangeManifest, write_exchange
from ..domain.reference_model import MODEL_VERSION
from ..models import Document, Study, Version
from .errors import ConflictError, NotAllowed
from .stored_files import read_version

#: below this an export stays in memory; above, it spills to a temporary file
SPOOL_BYTES = 16 * 1024 * 1024


@dataclass
class Export:
    """The written zip (at its start; close it once sent) and how many files it holds."""

    stream: BinaryIO
    files: int


def _exchange_file(document: Document, version: Version) -> ExchangeFile:
    artifact = document.artifact
    return ExchangeFile(
        document_ref=str(document.id), version=version.number, artifact=artifact.number,
        artifact_name=artifact.name, zone_number=artifact.zone, zone_name=artifact.zone_name,
        level=document.level, site=document.site.code if document.site else "",
        country=document.country or (document.site.country if document.site else ""),
        title=document.title, version_label=version.label, status=version.status,
        document_date=document.document_date.isoformat() if document.document_date else "",
        language=document.language, filename=version.filename, content_type=version.content_type,
        size=version.size, sha256=version.sha256)


def binder_versions(study: Study) -> list[tuple[Document, Version]]:
    """Every (document, version) of the binder the person sees, by document and version."""
    session = tool().db_session()
    documents = [d for d in session.scalars(select(Document).where(Document.study_id == study.id)
                                             .order_by(Document.id)) if tool().can("view_binder", d)]
    return [(document, version) for document in documents
            for version in session.scalars(select(Version).where(Version.document_id == document.id)
                                           .order_by(Version.number))]


def export_binder(study: Study) -> Export:
    """The binder as an exchange zip. Needs ``manage_binder`` on the binder; a stored file that
    no longer matches its SHA-256 stops the export (:class:`ConflictError`, naming it)."""
    if not tool().can("manage_binder", study):
        raise NotAllowed("Exporting the binder needs the 'manage_binder' permission.")
    pairs = binder_versions(study)
    org = tool().current_org()
    manifest = ExchangeManifest(study_name=study.name, protocol=study.protocol, source=org.name if org else "",
                                exported_at=utcnow().replace(microsecond=0).isoformat(),
                                files=tuple(_exchange_file(d, v) for d, v in pairs), tmf_rm_version=MODEL_VERSION)
    by_ref = {(str(d.id), v.number): v for d, v in pairs}
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        write_exchange(out, manifest, lambda f: read_version(by_ref[(f.document_ref, f.version)]))
    except (ExchangeError, FileCorrupted) as exc:
        out.close()
        raise ConflictError(f"The export was stopped: {exc}") from None
    out.seek(0)
    with org_scope(study.org_id):
        tool().audit.record(entity_type="study", entity_id=str(study.id), action="export",
                            changes={"exported_files": [None, len(pairs)], "exported_by_org": [None, manifest.source]})
    return Export(out, len(pairs))
