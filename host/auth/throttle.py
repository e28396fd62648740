"""Login throttling kept in the database, so every process and machine sees the same counts.

Each checked attempt is a ``LoginAttempt`` row. An email is locked after
``LOGIN_THROTTLE_ATTEMPTS`` failures within ``LOGIN_THROTTLE_MINUTES`` (a success clears the
count); a remote address after ``LOGIN_THROTTLE_ADDRESS_ATTEMPTS`` failures in the same window,
whatever the emails. Refused attempts are not recorded: the lock lifts when the failures that
caused it leave the window, however often someone keeps trying meanwhile.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from sdk.models import utcnow

from ..models import LoginAttempt

DEFAULT_ADDRESS_ATTEMPTS = 20
KEEP_ATTEMPTS = timedelta(days=30)
PRUNE_CHANCE = 0.01


@dataclass(frozen=True)
class ThrottleLimits:
    email_failures: int = 5
    address_failures: int = DEFAULT_ADDRESS_ATTEMPTS
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config) -> "ThrottleLimits":
        return cls(email_failures=int(config.get("LOGIN_THROTTLE_ATTEMPTS", 5)),
                   address_failures=int(config.get("LOGIN_THROTTLE_ADDRESS_ATTEMPTS",
                                                   DEFAULT_ADDRESS_ATTEMPTS)),
                   window=timedelta(minutes=int(config.get("LOGIN_THROTTLE_MINUTES", 15))))


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int  # seconds


def _last_success(session, email: str, since: datetime) -> datetime | None:
    return session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since))


def _seconds_locked(session, criterion, since: datetime, limit: int, window: timedelta,
                    now: datetime) -> int | None:
    """Seconds until fewer than ``limit`` failures remain in the window, or None if already so.

    The ``limit``-th newest failure is the one whose leaving the window lifts the lock.
    """
    pivot = session.scalar(
        select(LoginAttempt.at)
        .where(criterion, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc()).offset(max(limit, 1) - 1).limit(1))
    if pivot is None:
        return None
    return max(1, math.ceil((pivot + window - now).total_seconds()))


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def login_refusal(session, email: str, remote_addr: str, limits: ThrottleLimits,
                  now: datetime | None = None) -> Refusal | None:
    """Why a login attempt must be refused before the password is even checked, or None."""
    now = now or utcnow()
    window_start = now - limits.window
    since = _last_success(session, email, window_start) or window_start
    wait = _seconds_locked(session, LoginAttempt.email == email, since, limits.email_failures,
                           limits.window, now)
    if wait:
        return Refusal("Too many failed sign-in attempts for this email. "
                       f"Try again in {_minutes(wait)}.", wait)
    if remote_addr:
        wait = _seconds_locked(session, LoginAttempt.remote_addr == remote_addr, window_start,
                               limits.address_failures, limits.window, now)
        if wait:
            return Refusal("Too many failed sign-in attempts from your network. "
                           f"Try again in {_minutes(wait)}.", wait)
    return None


def record_attempt(session, email: str, remote_addr: str, succeeded: bool) -> None:
    session.add(LoginAttempt(email=email[:254], remote_addr=(remote_addr or "")[:64],
                             succeeded=succeeded, at=utcnow()))


def prune_attempts(session, older_than: timedelta = KEEP_ATTEMPTS, now: datetime | None = None) -> int:
    """Delete attempts older than ``older_than`` (kept that long for review, unused by throttling)."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < (now or utcnow()) - older_than))
    return result.rowcount


def prune_now_and_then(session) -> None:
    """Keep the table bounded without a scheduler: about one sign-in in a hundred prunes it."""
    if random.random() < PRUNE_CHANCE:
        prune_attempts(session)
