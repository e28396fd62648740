"""edocs' use cases: what pages, the API, jobs and event handlers call."""
from __future__ import annotations

from sdk import tool


def current_user_id() -> int | None:
    user = tool().current_user()
    return user.id if user else None
