"""Filing documents and their new versions.

A file goes through the SDK's storage service, which decides its type by its bytes and keeps it
under its SHA-256 in the binder owner's storage (a site organization files into its sponsor's
binder). A new version is a new file beside the old ones, never in their place; bytes identical
to an earlier version of the same document are refused as a version that adds nothing. Each new
version starts as a draft and its text is extracted for search by a background job.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sdk import org_scope, tool, utcnow
from sdk.files import FileRefused

from ..domain.reference_model import ARTIFACT_NUMBER
from ..models import LEVELS, Document, Study, Version
from . import current_user_id
from .access import may_at, site_by_code
from .errors import ConflictError, EdocsInputError, NotAllowed
from .studies import artifact_by_number, ensure_open
from .text_extraction import refresh_metadata

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#: what a trial master file holds: documents, spreadsheets, scans and text
ALLOWED_TYPES = ("application/pdf", DOCX, XLSX, PPTX, "image/png", "image/jpeg", "image/tiff",
                 "text/plain", "text/csv")
#: the allowed types as people call them
ALLOWED_WORDS = "PDF, Word, Excel, PowerPoint, PNG, JPEG, TIFF, plain text or CSV"
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_TITLE = 300
MAX_TAGS = 20
MAX_TAG = 40
#: the details a filer may change after filing (the artifact, level and site are where it is filed)
EDITABLE = ("title", "document_date", "language", "country", "tags")


def file_document(study: Study, data: dict, upload, *, source: str = "upload", check_rights: bool = True) -> Version:
    """A new document of ``study`` with ``upload`` as its version 1 (a draft); flushed.

    ``data``: artifact ("05.02.10"), level (trial/country/site), site (its number, for a site
    document), country, title (the file's name without extension when empty), document_date
    (ISO), language, version_label, tags (list or comma-separated). Every problem is named at
    once; a person may file only where ``file_documents`` is theirs (a site organization: its
    own site's documents). ``check_rights`` is False only for a document another tool of the
    organization hands over (``filing_requests``): that tool checked its person's rights."""
    ensure_open(study)
    problems = EdocsInputError()
    artifact, level, site = _placement(study, data, problems)
    values = _metadata(data, problems)
    problems.raise_if_any()
    if check_rights and not may_at("file_documents", study, site):
        raise NotAllowed("You may not file documents here" + (f" at site {site.code}." if site else " at trial level."))
    with org_scope(study.org_id):
        stored = _store(upload)
        title = values.pop("title") or _title_from(stored.original_name)
        document = Document(study_id=study.id, artifact_id=artifact.id, level=level,
                            site_id=site.id if site else None, title=title, source=source,
                            owner_id=values.pop("owner_id", None) or current_user_id(),
                            created_by_id=current_user_id(), current_version=0, **values)
        session = tool().db_session()
        session.add(document)
        session.flush()
        version = _add_version(document, stored, data.get("version_label"))
    _extract_text(version)
    return version


def add_version(document: Document, data: dict, upload) -> Version:
    """The document's next version (a draft) from ``upload``; flushed."""
    study = tool().db_session().get(Study, document.study_id)
    ensure_open(study)
    if not may_at("file_documents", study, document.site):
        raise NotAllowed("You may not file versions of this document.")
    label = data.get("version_label")
    if label is not None and (not isinstance(label, str) or len(label.strip()) > 20):
        raise EdocsInputError([("version_label", "Keep the version label to 20 characters.")])
    with org_scope(study.org_id):
        stored = _store(upload)
        earlier = next((v for v in document.versions if v.sha256 == stored.key), None)
        if earlier is not None:
            raise ConflictError(f"This file is identical to version {earlier.number} (same SHA-256); "
                                "a new version must change the document.")
        version = _add_version(document, stored, label)
    _extract_text(version)
    return version


def update_document(document: Document, data: dict) -> Document:
    """Change a document's details (title, document_date, language, country, tags, and, in the
    binder owner's organization, ``owner_id``): only the keys given; every problem named at
    once; audited field by field; flushed."""
    study = tool().db_session().get(Study, document.study_id)
    ensure_open(study)
    if not may_at("file_documents", study, document.site):
        raise NotAllowed("You may not change this document's details.")
    problems = EdocsInputError()
    values = _metadata({key: data[key] for key in EDITABLE if key in data}, problems)
    if "title" in data and not values["title"]:
        problems.add("title", "A document needs a title.")
    if "owner_id" in data:
        values["owner_id"] = _owner(study, data["owner_id"], problems)
    problems.raise_if_any()
    with org_scope(study.org_id):
        for key in (*EDITABLE, "owner_id"):
            if key in data:
                setattr(document, key, values[key])
        tool().db_session().flush()
        refresh_metadata(document)
    return document


def owners_to_choose(study: Study) -> list:
    """The people who may own the binder's documents: the owner organization's members
    (``sdk.sharing.TeamMember``); none for a grantee, who cannot see another's people."""
    org = tool().current_org()
    return tool().sharing.team(study) if org is not None and org.id == study.org_id else []


def _owner(study: Study, raw, problems: EdocsInputError) -> int | None:
    members = {member.user_id for member in owners_to_choose(study)}
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in members:
        problems.add("owner_id", "The owner is a member of the organization that owns the binder.")
        return None
    return raw


def _add_version(document: Document, stored, label) -> Version:
    number = document.current_version + 1
    label = (label or "").strip() if isinstance(label, str) else ""
    version = Version(document_id=document.id, study_id=document.study_id, site_id=document.site_id,
                      number=number, label=label or f"{number}.0", sha256=stored.key, size=stored.size,
                      content_type=stored.content_type, filename=stored.original_name, status="draft",
                      uploaded_by_id=current_user_id(), uploaded_at=utcnow(), text_status="pending")
    document.current_version = number
    session = tool().db_session()
    session.add(version)
    session.flush()
    return version


def _extract_text(version: Version) -> None:
    """Start the text extraction in the filer's own organization (outside the owner's scope): a
    job runs as the person who started it, in the organization they belong to."""
    tool().jobs.start("extract_text", version_id=version.id)


def _store(upload):
    if upload is None or (hasattr(upload, "filename") and not upload.filename and not getattr(upload, "content_length", 0)):
        raise EdocsInputError([("file", "Choose a file to file.")])
    try:
        return tool().storage.save(upload, allowed_types=ALLOWED_TYPES, max_bytes=MAX_FILE_BYTES)
    except FileRefused as exc:
        message = str(exc)
        if exc.status == 415:  # what the file is, in the storage service's words; what we keep, in ours
            message = f"{message.split(';', 1)[0]}; the eTMF keeps {ALLOWED_WORDS} files."
        raise EdocsInputError([("file", message)]) from None


def _placement(study: Study, data: dict, problems: EdocsInputError):
    """The artifact, level and site a new document is filed at."""
    number = data.get("artifact")
    artifact = None
    if not isinstance(number, str) or not ARTIFACT_NUMBER.match(number.strip()):
        problems.add("artifact", "Give the artifact's number, zone.section.artifact (05.02.10).")
    else:
        artifact = artifact_by_number(study, number.strip())
        if artifact is None:
            problems.add("artifact", f"{number.strip()} is not an artifact of the TMF Reference Model.")
    level = data.get("level") or (artifact.level_list[0] if artifact is not None else "trial")
    if level not in LEVELS:
        problems.add("level", "The level is trial, country or site.")
    elif artifact is not None and level not in artifact.level_list:
        problems.add("level", f"{artifact.number} {artifact.name} is filed at "
                              f"{' or '.join(artifact.level_list)} level, not {level}.")
    site = None
    code = data.get("site")
    if level == "site":
        if not isinstance(code, str) or not code.strip():
            problems.add("site", "A site document needs its site.")
        else:
            site = site_by_code(study, code.strip())
            if site is None:
                problems.add("site", f"Site {code.strip()} is not a site of this binder you can see.")
    elif code:
        problems.add("site", f"A {level}-level document has no site; choose level site to file it at one.")
    return artifact, level, site


def _metadata(data: dict, problems: EdocsInputError) -> dict:
    values: dict = {}
    title = data.get("title") or ""
    if not isinstance(title, str) or len(title.strip()) > MAX_TITLE:
        problems.add("title", f"Keep the title to {MAX_TITLE} characters.")
        title = ""
    values["title"] = title.strip()
    raw_date = data.get("document_date")
    values["document_date"] = None
    if isinstance(raw_date, date):
        values["document_date"] = raw_date
    elif raw_date:
        try:
            values["document_date"] = date.fromisoformat(str(raw_date).strip())
        except ValueError:
            problems.add("document_date", "The document date is YYYY-MM-DD.")
    language = (data.get("language") or "en")
    if not isinstance(language, str) or not 2 <= len(language.strip()) <= 10:
        problems.add("language", "The language is a code such as en, de or fr-CA.")
    else:
        values["language"] = language.strip()
    country = data.get("country") or ""
    if not isinstance(country, str) or (country and not (len(country.strip()) == 2 and country.strip().isalpha())):
        problems.add("country", "The country is a two-letter ISO code (DE, US...).")
    else:
        values["country"] = country.strip().upper()
    values["tags"] = parse_tags(data.get("tags"), problems)
    return values


def parse_tags(raw, problems: EdocsInputError) -> list[str]:
    """Tags from a list or a comma-separated text: trimmed, unique, at most 20 of 40 characters."""
    if raw is None or raw == "":
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        problems.add("tags", "Tags are a list of words or a comma-separated text.")
        return []
    tags = list(dict.fromkeys(item.strip() for item in items if item.strip()))
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG for tag in tags):
        problems.add("tags", f"At most {MAX_TAGS} tags of {MAX_TAG} characters each.")
    return tags


def _title_from(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return stem.replace("_", " ").strip()[:MAX_TITLE] or "Untitled document"


def versions_of(document: Document) -> list[Version]:
    return list(tool().db_session().scalars(
        select(Version).where(Version.document_id == document.id).order_by(Version.number)))
