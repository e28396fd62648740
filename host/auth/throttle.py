"""Sign-in back-off kept in the database, so every process and machine sees the same counts.

Failures are counted per (email, client address) and per client address, never per email alone:
someone guessing a password from elsewhere slows down only their own address, and the owner still
signs in from theirs. Each key has a few free failures within the window; after that every
further failure doubles the wait before the next attempt, up to a ceiling. A success clears the
(email, address) count but not the address's own: signing in to one's own account must not buy
more guesses at others. Refused attempts are not recorded, so retrying early does not lengthen
the wait. The refusal depends only on the typed email and the address, never on whether an
account exists.
"""
from __future__ import annotations

import ipaddress
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from sdk.models import utcnow

from ..models import LoginAttempt

KEEP_ATTEMPTS = timedelta(days=30)
PRUNE_CHANCE = 0.01
MAX_DOUBLINGS = 30  # keeps 2**n finite; the ceiling is reached long before


@dataclass(frozen=True)
class ThrottleLimits:
    free_failures: int = 5
    address_free_failures: int = 20
    first_wait: timedelta = timedelta(seconds=30)
    longest_wait: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(minutes=60)

    @classmethod
    def from_config(cls, config) -> "ThrottleLimits":
        """The limits set by ``TRIALOFFICE_LOGIN_*`` (see host/config.py)."""
        return cls(free_failures=config["LOGIN_FREE_FAILURES"],
                   address_free_failures=config["LOGIN_ADDRESS_FREE_FAILURES"],
                   first_wait=timedelta(seconds=config["LOGIN_FIRST_WAIT_SECONDS"]),
                   longest_wait=timedelta(minutes=config["LOGIN_LONGEST_WAIT_MINUTES"]),
                   window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]))

    def wait_after(self, failures: int, free: int) -> timedelta:
        """How long to wait after the last of ``failures``, when ``free`` of them cost nothing."""
        if failures < free:
            return timedelta(0)
        doublings = min(failures - free, MAX_DOUBLINGS)
        return min(self.longest_wait, self.first_wait * 2 ** doublings)


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int  # seconds


def address_key(remote_addr: str) -> str:
    """The address failures are counted under: an IPv6 client's /64, since one host holds it all."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return (remote_addr or "")[:64]
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _seconds_to_wait(session, criterion, since: datetime, free: int, limits: ThrottleLimits,
                     now: datetime) -> int | None:
    """Seconds until the next attempt under ``criterion`` is allowed, or None if it is now."""
    failures, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at))
        .where(criterion, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)).one()
    wait = limits.wait_after(failures, free)
    if not wait or last is None or last + wait <= now:
        return None
    return max(1, math.ceil((last + wait - now).total_seconds()))


def _last_success(session, email: str, address: str, since: datetime) -> datetime | None:
    return session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.remote_addr == address,
        LoginAttempt.succeeded.is_(True), LoginAttempt.at > since))


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def login_refusal(session, email: str, remote_addr: str, limits: ThrottleLimits,
                  now: datetime | None = None) -> Refusal | None:
    """Why a sign-in attempt must be refused before the password is even checked, or None."""
    now = now or utcnow()
    window_start = now - limits.window
    address = address_key(remote_addr)
    if address:
        wait = _seconds_to_wait(session, LoginAttempt.remote_addr == address, window_start,
                                limits.address_free_failures, limits, now)
        if wait:
            return Refusal("Too many failed sign-in attempts from your network. "
                           f"Try again in {_wait_text(wait)}.", wait)
    since = _last_success(session, email, address, window_start) or window_start
    wait = _seconds_to_wait(session, (LoginAttempt.email == email) & (LoginAttempt.remote_addr == address),
                            since, limits.free_failures, limits, now)
    if wait:
        return Refusal(f"Too many failed sign-in attempts. Try again in {_wait_text(wait)}.", wait)
    return None


def record_attempt(session, email: str, remote_addr: str, succeeded: bool) -> None:
    session.add(LoginAttempt(email=email[:254], remote_addr=address_key(remote_addr),
                             succeeded=succeeded, at=utcnow()))


def prune_attempts(session, older_than: timedelta = KEEP_ATTEMPTS, now: datetime | None = None) -> int:
    """Delete attempts older than ``older_than`` (kept that long for review, unused by throttling)."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < (now or utcnow()) - older_than))
    return result.rowcount


def prune_now_and_then(session) -> None:
    """Keep the table bounded without a scheduler: about one sign-in in a hundred prunes it."""
    if random.random() < PRUNE_CHANCE:
        prune_attempts(session)
