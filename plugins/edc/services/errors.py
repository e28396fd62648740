"""The refusals edc's services raise; views answer them with the kit's shapes."""
from __future__ import annotations

from sdk.forms import InputProblems


class EdcInputError(InputProblems):
    """Bad input: every problem with the field it belongs to (422 in the API, beside the field on
    a page)."""


class LockedError(RuntimeError):
    """The data is frozen or locked (the form, the subject or the study): nothing changes (409)."""


class NotAllowed(PermissionError):
    """The person may not do this to this record (403)."""
