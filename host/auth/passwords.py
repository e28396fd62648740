"""Password hashing with Argon2id (argon2-cffi's recommended parameters)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

_hasher = PasswordHasher()
# Real Argon2id with tiny costs for test suites, which test flows, not the hash's strength.
_testing_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
FAST_HASHES_FOR_TESTS = "TESTING_FAST_PASSWORD_HASHES"  # config key; the SDK's test harness sets it
MIN_PASSWORD_LENGTH = 10


def _current_hasher() -> PasswordHasher:
    """The cheap hasher only for an app under test that asks for it (``TESTING`` as well)."""
    config = current_app.config if has_app_context() else {}
    return _testing_hasher if config.get("TESTING") and config.get(FAST_HASHES_FOR_TESTS) else _hasher


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if password.isdigit() or password.isalpha():
        return "Mix letters with digits or symbols."
    return None


SECRET_MAX_LENGTH = 1000


def cut_secret(value: str | None) -> str:
    """A typed password as typed (not trimmed: spaces may be part of it), at most 1000 characters.

    The cut is as old as the sign-in form: a longer password was always cut, at sign-up as at
    sign-in, so the two keep agreeing."""
    return (value or "")[:SECRET_MAX_LENGTH]
