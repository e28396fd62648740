"""A service's refusal as the platform's answer (422, 409 or 403), and finding a record the
caller may see (404 otherwise): shared by every module of the API."""
from __future__ import annotations

from contextlib import contextmanager

from flask import abort

from sdk import tool
from sdk.api_docs import InvalidInput

from ..models import Document, Study, Version
from ..services import access
from ..services.errors import ConflictError, EdocsInputError, NotAllowed


@contextmanager
def refusals():
    """Nothing written when a service refuses: the session is rolled back first."""
    session = tool().db_session()
    try:
        yield
    except EdocsInputError as problems:
        session.rollback()
        raise InvalidInput(problems) from None
    except ConflictError as conflict:
        session.rollback()
        abort(409, str(conflict))
    except NotAllowed as refused:
        session.rollback()
        abort(403, str(refused))


def visible_study(study_id: int) -> Study:
    study = access.visible_study(study_id)
    if study is None:
        abort(404, "There is no such binder.")
    return study


def visible_document(document_id: int) -> Document:
    document = access.visible_document(document_id)
    if document is None:
        abort(404, "There is no such document.")
    return document


def visible_version(version_id: int) -> Version:
    version = access.visible_version(version_id)
    if version is None:
        abort(404, "There is no such version.")
    return version
