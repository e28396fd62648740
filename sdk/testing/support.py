"""What the harness needs from the host; the host implements it (``trialoffice.testing``)."""
from __future__ import annotations

from abc import ABC, abstractmethod

from ..services import OrgRef, UserRef
from ..tool import host_runs_tool

EXTENSION_KEY = "trialoffice.testing"
TEST_PASSWORD = "correct horse 42"


class TestingSupport(ABC):
    __test__ = False

    @abstractmethod
    def migrate(self) -> None:
        """Build the schema through the migrations (host and every tool branch)."""

    @abstractmethod
    def reset(self) -> None:
        """Delete every row, keeping the schema."""

    @abstractmethod
    def create_user(self, email: str, *, password: str = TEST_PASSWORD, name: str | None = None,
                    platform_admin: bool = False) -> UserRef: ...

    @abstractmethod
    def create_org(self, slug: str, *, type: str = "sponsor", owner: UserRef | None = None,
                   name: str | None = None) -> OrgRef: ...

    @abstractmethod
    def add_member(self, org: OrgRef, user: UserRef, *, role: str = "member",
                   permissions: dict[str, list[str]] | None = None) -> None: ...

    @abstractmethod
    def grant_license(self, org: OrgRef, tool_key: str, *, status: str = "active",
                      plan: str | None = None, seats: int = 1, days: int = 30,
                      enable: bool = False) -> None: ...

    @abstractmethod
    def set_enabled(self, org: OrgRef, tool_key: str, enabled: bool = True) -> None: ...

    @abstractmethod
    def login(self, client, user: UserRef) -> None:
        """Sign ``user`` in on a Flask test client."""

    @abstractmethod
    def issue_token(self, org: OrgRef, user: UserRef) -> str:
        """A raw API token for ``user`` in ``org``."""

    @abstractmethod
    def deliver_events(self, *, now=None) -> int:
        """Run the event relay now (as the default waker does after each commit): deliver what
        is due at ``now`` (a later time reaches retries waiting out their back-off). Returns how
        many deliveries were claimed."""

    @abstractmethod
    def redeliver_events(self) -> int:
        """Put every delivery that was applied back in the queue, as a relay would that lost
        track of them (a lapsed lease); the next :meth:`deliver_events` must change nothing.
        Returns how many were put back."""

    def running_tool(self, key: str):
        """``with support.running_tool("mytool"):`` runs the block as the tool's code, as the host
        does for its requests, hooks and commands, so a service calling ``sdk.tool()`` works."""
        return host_runs_tool(key)

    def recycle(self, extra_plugins: list) -> bool:
        """Ready this app for another test on a fresh database: drop what it cached from the
        last test's data. False (the default) when it cannot, or when the plugins it would
        discover now differ from those it runs: the harness then builds a new app."""
        return False
