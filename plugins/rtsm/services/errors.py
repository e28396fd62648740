"""The refusals rtsm's services raise; views and the API answer them with the kit's shapes."""
from __future__ import annotations

from sdk.forms import InputProblems


class RtsmInputError(InputProblems):
    """Bad input: every problem with the field it belongs to (422 in the API, beside the field on
    a page). Nothing was written."""


class ConflictError(RuntimeError):
    """The request is valid but the record's state refuses it (a shipment already received, a
    kit already dispensed): 409, nothing written."""


class NotAllowed(PermissionError):
    """The person may not do this to this record (403)."""
