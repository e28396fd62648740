"""The host's :class:`sdk.documents.Documents`: ``tool().documents`` of one tool.

Filing is an event, ``documents.file_requested``, through the outbox: the bytes are put in the
organization's storage and the event carries their key, so the document tool (edocs) files them
after the caller commits. When no tool serving the organization handles that event, nothing is
stored or emitted: a tool may offer filing everywhere without knowing whether edocs is enabled.
"""
from __future__ import annotations

from flask import current_app

from sdk.documents import FILE_REQUESTED, Documents, filing_request
from sdk.tenancy import current_org_id

from .db import db_session
from .events.outbox import serving_keys
from .runtime.dispatch import event_handlers


class HostDocuments(Documents):
    def __init__(self, tool_key: str, services):
        self._key, self._services = tool_key, services

    def file(self, *, trial_ref, artifact, filename, data, title=None, level="trial", site_ref=None,
             document_date=None) -> str | None:
        request = filing_request(trial_ref=trial_ref, artifact=artifact, filename=filename, data=data,
                                 title=title, level=level, site_ref=site_ref, document_date=document_date)
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("filing a document needs an organization in scope")
        if not filing_tools(org_id):
            return None
        file_key = self._services.storage.put(request.data)
        return self._services.events.emit(FILE_REQUESTED, {
            "trial_ref": request.trial_ref, "site_ref": request.site_ref, "artifact": request.artifact,
            "level": request.level, "title": request.title, "filename": request.filename,
            "file_key": file_key, "source_tool": self._key,
            "document_date": request.document_date.isoformat() if request.document_date else None})


def filing_tools(org_id: int) -> list[str]:
    """The tools serving the organization that handle ``documents.file_requested``."""
    registry = current_app.extensions["trialoffice.registry"]
    return sorted(event_handlers(registry, serving_keys(db_session(), registry, org_id), FILE_REQUESTED, org_id))
