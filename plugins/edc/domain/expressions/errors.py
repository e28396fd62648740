"""The one error the expression language raises."""
from __future__ import annotations


class ExpressionError(ValueError):
    """An expression that cannot be parsed, is not valid for a study, or cannot be evaluated.

    ``line`` and ``column`` (1-based) locate the problem in the expression text when known; the
    message already names them, so callers can show ``str(error)`` as is.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def position(line: int | None, column: int | None, multiline: bool) -> str:
    """``"column 12"``, or ``"line 2, column 3"`` when the expression spans several lines."""
    if column is None:
        return "the end"
    if multiline and line is not None:
        return f"line {line}, column {column}"
    return f"column {column}"
