"""The refusals edocs' services raise; views and the API answer them with the kit's shapes."""
from __future__ import annotations

from sdk.forms import InputProblems


class EdocsInputError(InputProblems):
    """Bad input: every problem with the field it belongs to (422 in the API, beside the field on
    a page). Nothing was written."""


class ConflictError(RuntimeError):
    """The request is valid but the record's state refuses it (a version already approved, a
    document under legal hold, a closed binder): 409, nothing written."""


class NotAllowed(PermissionError):
    """The person may not do this to this record (403)."""
