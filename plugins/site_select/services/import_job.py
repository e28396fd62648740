"""An upload of AACT files imports them in a background job, followed on its progress page.

What can be refused from the upload itself is refused at once, with nothing saved: unknown,
oversized or non-UTF-8 files, a required file or column missing (the header rows tell). The
files then go to the organization's storage, and the job (queued when the request commits)
reads them back by their keys, imports them (:func:`.imports.import_aact`) and links its result
to the import batch's report. A problem found only while importing fails the job with the same
message the form would have shown.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import url_for

from sdk import tool
from sdk.jobs import JobFailed, JobRef, JobResult, Progress

from ..domain import layout_problems
from .errors import SiteSelectError
from .imports import decode_uploads, import_aact

IMPORT_JOB = "aact_import"


def start_import(files: Mapping[str, bytes]) -> JobRef:
    """Check the upload, keep its files, start the import job; ``SiteSelectError`` if refused."""
    problems = layout_problems(decode_uploads(files))
    if problems:
        raise SiteSelectError.of([("files", problem) for problem in problems])
    keys = {name: tool().storage.put(data) for name, data in sorted(files.items())}
    return tool().jobs.start(IMPORT_JOB, files=keys)


def run_import(progress: Progress, *, files: dict[str, str]) -> JobResult:
    """Import AACT files"""
    try:
        contents = {name: tool().storage.get(key) for name, key in files.items()}
    except KeyError:
        raise JobFailed("The uploaded files are no longer stored; upload them again.") from None
    try:
        batch = import_aact(contents, progress)
    except SiteSelectError as exc:
        raise JobFailed(str(exc)) from exc
    summary = (f"Imported {batch.sites_created} new sites and {batch.history_created} trial records; "
               f"{batch.rejected_count} rows rejected.")
    return JobResult(summary=summary, link=url_for("site_select.import_batch", batch_id=batch.id),
                     data={"batch_id": batch.id, "sites_created": batch.sites_created,
                           "history_created": batch.history_created, "rejected": batch.rejected_count})


JOB_HANDLERS = {IMPORT_JOB: run_import}
