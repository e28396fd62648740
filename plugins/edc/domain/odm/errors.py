"""The one error the ODM reader, writer and checks raise."""
from __future__ import annotations


class OdmError(ValueError):
    """An ODM document that cannot be read or written.

    ``problems`` lists every problem found (the reader and the checks collect them all before
    raising); the message shows them one a line.
    """

    def __init__(self, problems: str | list[str]):
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:50]
        more = len(self.problems) - len(shown)
        message = "\n".join(shown) + (f"\n... and {more} more problems" if more > 0 else "")
        super().__init__(message)
