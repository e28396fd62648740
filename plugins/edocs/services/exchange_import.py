"""Importing a TMF Exchange Mechanism zip into an open binder: all of it, or nothing.

The upload is copied to a temporary file and read by ``domain.exchange_read``, which refuses an
unsafe zip (path traversal, links, zip bombs, an unsafe ``exchange.xml``) and any file whose
SHA-256 or size differs from the manifest. Then the manifest is checked against the binder
(artifact numbers, the levels each artifact is filed at, one placement per document) before
anything is written. Only then, in one transaction, the missing sites are added and each
document is created with its versions in order, each file saved again through the storage
service (its type re-checked by its bytes). Any problem, at any point, rolls everything back and
names every problem found; bytes already kept by the storage service stay unreferenced (they
are content-addressed, and no row points to them).

Statuses. An inspector reads a transferred TMF as the record it was at the source, so each
version keeps the status it had there (approved, effective, superseded, archived...), not a fresh
"draft" that would misstate its history. But an approval signature cannot travel: it belongs to
the source system's signer and chain. So every imported version is marked with its provenance
(the document's ``source`` is "import") and gets an audit entry naming the source organization,
the export time and the status it had there, saying it was not signed in Trial Office. Its
uploader and upload time are the import's.
"""
from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sdk import org_scope, tool, utcnow
from sdk.files import FileRefused

from ..domain.exchange import ExchangeError, ExchangeFile, ExchangeManifest
from ..domain.exchange_read import read_exchange
from ..models import Document, Study, StudySite, Version
from . import current_user_id
from .access import site_by_code
from .documents import ALLOWED_TYPES, MAX_FILE_BYTES
from .errors import EdocsInputError, NotAllowed
from .studies import artifacts_of, ensure_open, may_manage

MAX_IMPORT_BYTES = 1024 * 1024 * 1024
#: what read_exchange accepts here: a file no larger than edocs takes by upload
READ_LIMITS = {"max_files": 5000, "max_total_bytes": 4 * MAX_IMPORT_BYTES, "max_file_bytes": MAX_FILE_BYTES,
               "max_ratio": 200}
COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    documents: int
    versions: int
    sites_created: list[str]


def _spooled_copy(upload, max_bytes: int):
    """A seekable temporary copy of the upload; refused past ``max_bytes``."""
    stream = getattr(upload, "stream", upload)
    copy = tempfile.TemporaryFile()
    size = 0
    while chunk := stream.read(COPY_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            copy.close()
            raise EdocsInputError([("file", f"The zip is larger than the {max_bytes // (1024 * 1024)} MB "
                                             "an import takes. Nothing was imported.")])
        copy.write(chunk)
    if size == 0:
        copy.close()
        raise EdocsInputError([("file", "The file is empty. Nothing was imported.")])
    copy.seek(0)
    return copy


def _country(code: str) -> str:
    """An ISO 3166 alpha-2 code as the binder keeps it; another form (alpha-3) is left out."""
    return code.upper() if len(code) == 2 and code.isalpha() else ""


def _plan(study: Study, manifest: ExchangeManifest) -> tuple[dict[str, list[ExchangeFile]], dict[str, str]]:
    """The versions grouped by source document, and the site codes (with their countries) the
    binder lacks; every problem with the manifest against the binder at once."""
    problems = EdocsInputError()
    artifacts = {a.number: a for a in artifacts_of(study)}
    documents: dict[str, list[ExchangeFile]] = defaultdict(list)
    for f in manifest.files:
        documents[f.document_ref].append(f)
    missing_sites: dict[str, str] = {}
    for ref, files in documents.items():
        files.sort(key=lambda f: f.version)
        where = f"document {ref} ({files[-1].title or files[-1].filename})"
        if len({(f.artifact, f.level, f.site) for f in files}) > 1:
            problems.add("file", f"{where}: its versions are filed at different artifacts, levels or sites.")
            continue
        newest = files[-1]
        artifact = artifacts.get(newest.artifact)
        if artifact is None:
            problems.add("file", f"{where}: {newest.artifact} is not an artifact of this binder's TMF Reference Model.")
        elif newest.level not in artifact.level_list:
            problems.add("file", f"{where}: {artifact.number} {artifact.name} is filed at "
                                 f"{' or '.join(artifact.level_list)} level, not {newest.level}.")
        if newest.level == "site" and site_by_code(study, newest.site) is None:
            if len(newest.site) > 40:
                problems.add("file", f"{where}: the site number {newest.site[:40]}… is longer than 40 characters.")
            missing_sites.setdefault(newest.site, _country(newest.country))
    problems.raise_if_any()
    return documents, missing_sites


def import_exchange(study: Study, upload) -> ImportResult:
    """Import an exchange zip into ``study``; flushed, not committed. Needs ``manage_binder`` of
    the binder's owner; the binder must be open. :class:`EdocsInputError` names every problem
    (each under ``file``); nothing is written then."""
    if not may_manage(study):
        raise NotAllowed("Importing into the binder needs the 'manage_binder' permission of its owner.")
    ensure_open(study)
    if upload is None or (hasattr(upload, "filename") and not upload.filename):
        raise EdocsInputError([("file", "Choose the exchange zip to import.")])
    with _spooled_copy(upload, MAX_IMPORT_BYTES) as copy:
        try:
            with read_exchange(copy, **READ_LIMITS) as contents:
                documents, missing_sites = _plan(study, contents.manifest)
                return _write(study, contents, documents, missing_sites)
        except ExchangeError as exc:
            tool().db_session().rollback()
            raise EdocsInputError([("file", problem) for problem in exc.problems]) from None


def _write(study: Study, contents, documents: dict[str, list[ExchangeFile]],
           missing_sites: dict[str, str]) -> ImportResult:
    session = tool().db_session()
    manifest = contents.manifest
    provenance = f"Imported from {manifest.source or 'another system'} (TMF exchange of {manifest.exported_at or 'unknown date'})"
    versions = 0
    with org_scope(study.org_id):
        sites = {code: StudySite(study_id=study.id, code=code, name="", country=country)
                 for code, country in missing_sites.items()}
        session.add_all(sites.values())
        session.flush()
        artifacts = {a.number: a for a in artifacts_of(study)}
        for files in documents.values():
            newest = files[-1]
            site = sites.get(newest.site) or (site_by_code(study, newest.site) if newest.level == "site" else None)
            document = Document(
                study_id=study.id, artifact_id=artifacts[newest.artifact].id, level=newest.level,
                site_id=site.id if site else None, country=_country(newest.country),
                title=newest.title[:300] or newest.filename[:300],
                document_date=date.fromisoformat(newest.document_date) if newest.document_date else None,
                language=(newest.language or "en")[:10], owner_id=current_user_id(), tags=[],
                current_version=newest.version, source="import", created_by_id=current_user_id())
            session.add(document)
            session.flush()
            for f in files:
                _add_version(document, f, contents, provenance)
                versions += 1
    return ImportResult(documents=len(documents), versions=versions, sites_created=sorted(missing_sites))


def _add_version(document: Document, f: ExchangeFile, contents, provenance: str) -> None:
    try:
        with contents.open(f) as stream:
            stored = tool().storage.save(stream, allowed_types=ALLOWED_TYPES, filename=f.filename,
                                         max_bytes=MAX_FILE_BYTES)
    except FileRefused as exc:
        raise ExchangeError(f"{f.path}: {exc} The import was stopped; nothing was imported.") from None
    if stored.key != f.sha256:
        raise ExchangeError(f"{f.path}: the stored bytes do not hash to the manifest's SHA-256")
    session = tool().db_session()
    version = Version(document_id=document.id, study_id=document.study_id, site_id=document.site_id,
                      number=f.version, label=(f.version_label or f"{f.version}.0")[:20], sha256=stored.key,
                      size=stored.size, content_type=stored.content_type, filename=f.filename[:255],
                      status=f.status, uploaded_by_id=current_user_id(), uploaded_at=utcnow(), text_status="pending")
    session.add(version)
    session.flush()
    tool().audit.record(entity_type="version", entity_id=str(version.id), action="import",
                        changes={"source_status": [None, f.status], "source_document": [None, f.document_ref],
                                 "source_version": [None, f.version]},
                        reason=f"{provenance}; status as in the source system, not signed in Trial Office.")
    tool().jobs.start("extract_text", version_id=version.id)

