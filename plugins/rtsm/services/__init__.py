"""rtsm's use cases: what its pages, API, event handlers and jobs do, on top of ``domain`` and
the models."""
from sdk import tool


def current_user_id() -> int | None:
    """The acting person's id, None in a job or an event handler (the audit trail names those)."""
    user = tool().current_user()
    return user.id if user is not None else None
