"""The sign-in and sign-up forms, and a safe ``next`` target.

Fields only: sign-up's rules live in :mod:`host.accounts_service` (every problem at once, each
with its field) and sign-in's in :mod:`host.auth.views`. No field is browser-``required``: the
server answers every problem at once, beside its field (:mod:`sdk.forms`).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from wtforms import EmailField, PasswordField, StringField

from sdk.forms import ToolForm

from ..accounts.forms import organization_fields
from ..accounts_service import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from .passwords import cut_secret

_EMAIL_ATTRS = {"maxlength": EMAIL_MAX_LENGTH, "autocapitalize": "none", "spellcheck": "false"}


class LoginForm(ToolForm):
    email = EmailField("Email", render_kw={**_EMAIL_ATTRS, "autocomplete": "username"})
    password = PasswordField("Password", filters=[cut_secret], render_kw={"autocomplete": "current-password"})


class SignupForm(ToolForm):
    name = StringField("Your name", render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "name"})
    email = EmailField("Email", render_kw={**_EMAIL_ATTRS, "autocomplete": "email"})
    password = PasswordField("Password", filters=[cut_secret], render_kw={"autocomplete": "new-password"})
    org_name, slug, org_type = organization_fields()


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Accepted: ``/o/acme/?tab=1``. Refused: ``https://evil.example``, ``//evil.example``,
    ``/\\evil.example``, ``javascript:...``, anything with control characters.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
