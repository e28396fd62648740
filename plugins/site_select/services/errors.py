"""The one error type views turn into a message: input that cannot be accepted, nothing saved.

A :class:`sdk.forms.InputProblems`: each problem may name its field (``("country", "...")``), so
a page shows it beside that field and the API lists it under ``fields``.
"""
from __future__ import annotations

from sdk.forms import InputProblems


class SiteSelectError(InputProblems):
    """A user-facing refusal; ``problems`` lists every reason (the message joins them)."""

    status = 422
    code = "invalid_input"

    def __init__(self, message: str | None = None, problems: list | None = None):
        entries = problems if problems else [message]
        super().__init__([p if isinstance(p, tuple) else (None, p) for p in entries])

    @property
    def problems(self) -> list[str]:
        return self.messages

    @classmethod
    def of(cls, problems: list) -> "SiteSelectError":
        """From problems given as messages or as ``(field, message)`` pairs."""
        return cls(None, problems)


class ForbiddenChange(SiteSelectError):
    """A refusal for lack of right, not for bad input: someone else's shortlist or preset."""

    status = 403
    code = "forbidden"
