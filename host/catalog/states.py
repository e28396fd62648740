"""What "My tools" shows for one tool in one organization, and which actions it offers."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sdk.manifest import Manifest
from sdk.models import utcnow

from ..licensing import trial_days
from ..runtime.toolstate import ToolState
from ..words import status_word


@dataclass(frozen=True)
class ToolRow:
    manifest: Manifest
    state: ToolState
    now: datetime

    @property
    def status(self) -> str | None:
        """The license status, with an entitled license past its end shown as lapsed."""
        status = self.state.license_status
        if status in ("trialing", "active", "grace") and not self.state.entitled(self.now):
            return "lapsed"
        return status

    @property
    def status_label(self) -> str:
        if self.state.license_status == "trialing" and self.status == "lapsed":
            return "Trial ended"
        return status_word(self.status, "license")

    @property
    def licensed(self) -> bool:
        return self.state.license_status is not None

    @property
    def trial_days_left(self) -> int | None:
        ends = self.state.trial_ends_at
        if self.status != "trialing" or ends is None:
            return None
        return max(0, math.ceil((ends - self.now).total_seconds() / 86400))

    @property
    def enabled(self) -> bool:
        return self.state.enabled

    @property
    def serving(self) -> bool:
        return self.state.serves(self.now)

    @property
    def can_start_trial(self) -> bool:
        return not self.licensed and trial_days(self.manifest) > 0

    @property
    def can_enable(self) -> bool:
        return not self.enabled and self.state.entitled(self.now)

    @property
    def can_disable(self) -> bool:
        return self.enabled


def tool_rows(manifests: list[Manifest], states: dict[str, ToolState]) -> list[ToolRow]:
    now = utcnow()
    return [ToolRow(m, states.get(m.key) or ToolState(m.key), now)
            for m in sorted(manifests, key=lambda m: m.name.casefold())]
