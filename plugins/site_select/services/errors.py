"""The one error type views turn into a message: input that cannot be accepted, nothing saved."""


class SiteSelectError(ValueError):
    """A user-facing refusal; ``problems`` lists every reason (the message joins them)."""

    status = 422
    code = "invalid_input"

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or [message]
        super().__init__(message)

    @classmethod
    def of(cls, problems: list[str]) -> "SiteSelectError":
        return cls("; ".join(problems), problems)


class ForbiddenChange(SiteSelectError):
    """A refusal for lack of right, not for bad input: someone else's shortlist or preset."""

    status = 403
    code = "forbidden"
