"""An uploaded ODM file imports in a background job, followed on the host's job page.

The request checks what it can at once (the permission, the size, UTF-8 text, and for a file up to
:data:`CHECK_AT_ONCE_BYTES` that it is well-formed, safe ODM) and keeps the file in the organization's storage; the job reads it back by its key and runs
:func:`.clinical_import.import_clinical_data`. A problem found only then fails the job naming
every problem (at most :data:`SHOWN` of them; the count of the rest), with nothing written.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from sdk import tool
from sdk.files import FileRefused
from sdk.jobs import JobFailed, JobRef, JobResult, Progress

from ..models import Study
from .clinical_import import MAX_IMPORT_BYTES, import_clinical_data, read_import_file
from .errors import EdcInputError

IMPORT_JOB = "import_clinical_data"
SHOWN = 20
#: files up to this size are read through in the request, so a bad one is refused on the form
CHECK_AT_ONCE_BYTES = 5 * 1024 * 1024


def start_import(study: Study, source, *, filename: str, default_site_id: int | None = None,
                 create_sites: bool = False) -> JobRef:
    """Keep the upload (``tool().storage``: UTF-8 text, at most :data:`MAX_IMPORT_BYTES`), check a
    small file at once, start the job; ``EdcInputError`` if the file is refused."""
    if source is None or source == b"":
        raise EdcInputError([("file", "Choose an ODM file (XML) to import.")])
    try:
        stored = tool().storage.save(source, allowed_types=("text/plain",), filename=filename or "upload.xml",
                                     max_bytes=MAX_IMPORT_BYTES)
    except FileRefused as exc:
        raise EdcInputError([("file", str(exc))]) from None
    if stored.size <= CHECK_AT_ONCE_BYTES:
        read_import_file(tool().storage.get(stored.key))
    return tool().jobs.start(IMPORT_JOB, study_id=study.id, file_key=stored.key,
                             filename=(filename or stored.original_name or "upload.xml")[:200],
                             default_site_id=default_site_id, create_sites=bool(create_sites))


def _message(exc: EdcInputError) -> str:
    problems = exc.messages or [str(exc)]
    shown = "; ".join(str(p) for p in problems[:SHOWN])
    more = f" (and {len(problems) - SHOWN} more problems)" if len(problems) > SHOWN else ""
    return f"Nothing was imported: {shown}{more}"[:480]


def run_import(progress: Progress, *, study_id: int, file_key: str, filename: str,
               default_site_id: int | None = None, create_sites: bool = False) -> JobResult:
    """Import clinical data (ODM)"""
    study = tool().db_session().scalar(select(Study).where(Study.id == study_id))
    if study is None or not tool().can("import_data", study):
        raise JobFailed("The study is no longer there, or you may no longer import data into it.")
    try:
        data = tool().storage.get(file_key)
    except KeyError:
        raise JobFailed("The uploaded file is no longer stored; upload it again.") from None
    try:
        outcome = import_clinical_data(study, data, filename=filename, default_site_id=default_site_id,
                                       create_sites=create_sites, progress=progress)
    except EdcInputError as exc:
        raise JobFailed(_message(exc)) from None
    return JobResult(summary=outcome.summary, link=url_for("edc.exports", study_id=study.id),
                     data={"study_id": study.id, **outcome.as_json()})
