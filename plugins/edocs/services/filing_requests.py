"""Documents other tools hand to edocs through the SDK's document service (``tool().documents
.file(...)``, delivered as ``documents.file_requested`` after the sending tool committed).

The document is filed as a new draft into this organization's open binder whose protocol number
is the request's ``trial_ref``, at the artifact, level and site it names, with the sending tool
as its source; from there it goes through QC like any upload. The sending tool's own rights were
checked where it acted; here the file's type is checked again by its content. A request that
cannot be filed (no such binder, an unknown site, a type edocs does not keep) is not retried: it
is recorded in the audit trail as refused, with the reason, and the binder's managers are told
what did not arrive (a request for no binder at all is only logged and audited).
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from sdk import tool
from sdk.notifications import declare_kind

from ..models import Study
from .documents import file_document
from .errors import ConflictError, EdocsInputError

log = logging.getLogger(__name__)
FILING_REFUSED = declare_kind("edocs.filing_refused", "A document another tool sent was not filed",
                              "Another tool handed a document to a binder you manage and it could not be filed.")


def file_requested_document(event) -> None:
    payload = event.payload
    session = tool().db_session()
    study = session.scalar(select(Study).where(Study.protocol == payload["trial_ref"], Study.status == "active",
                                               Study.org_id == tool().current_org().id).order_by(Study.id))
    if study is None:
        _refused(event, f"no open binder has the protocol number {payload['trial_ref']!r}")
        return
    data = {"artifact": payload["artifact"], "level": payload["level"], "site": payload.get("site_ref") or None,
            "title": payload["title"], "document_date": payload.get("document_date") or None}
    try:
        stream = tool().storage.open(payload["file_key"])
    except KeyError:
        _refused(event, "the file it names is not in this organization's storage", study)
        return
    try:  # a savepoint: the host commits the handler's transaction, a refusal undoes only this
        with stream, session.begin_nested():
            version = file_document(study, data, FileStorage(stream=stream, filename=payload["filename"]),
                                    source=payload["source_tool"], check_rights=False)
    except (EdocsInputError, ConflictError) as refused:
        _refused(event, str(refused), study)
        return
    log.info("edocs: %s filed %s into binder %s as version %s", payload["source_tool"], payload["artifact"],
             study.id, version.id)


def _refused(event, why: str, study: Study | None = None) -> None:
    payload = event.payload
    log.warning("edocs: filing request %s from %s refused: %s", event.id, payload["source_tool"], why)
    tool().audit.record(
        entity_type="study" if study else "filing_request", entity_id=str(study.id if study else event.id),
        action="filing_refused",
        changes={"source_tool": [None, payload["source_tool"]], "artifact": [None, payload["artifact"]],
                 "filename": [None, payload["filename"]], "trial_ref": [None, payload["trial_ref"]]},
        reason=why[:500])
    if study is not None:
        tool().notifications.notify_holders(
            "manage_binder", study, kind=FILING_REFUSED.key,
            subject=f"Not filed: {payload['filename']} from {payload['source_tool']}"[:200],
            body=f"{payload['artifact']} in the binder {study.name}: {why}"[:2000])  # no request here: no link


HANDLERS = {"documents.file_requested": file_requested_document}
