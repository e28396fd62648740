"""A Bearer token, when one is sent to the API, decides who the caller is.

Flask-Login tries the session cookie before the token, so a call that carries both would
otherwise run as the cookie's user with no token scope. Here a bad or revoked token is refused
(401) even on public endpoints, and a token that belongs to someone other than the signed-in
user is refused too.
"""
from __future__ import annotations

from flask import Flask, abort, g, request
from flask_login import current_user

from ..auth import load_user_from_token, uses_bearer_token

BAD_TOKEN = "The API token is invalid or revoked."


def check_bearer_token() -> None:
    if not uses_bearer_token():
        return
    if current_user.is_authenticated and g.get("api_token") is not None:
        return
    token_user = load_user_from_token(request)
    if token_user is None or (current_user.is_authenticated and current_user.id != token_user.id):
        abort(401, BAD_TOKEN)


def init_bearer_check(app: Flask) -> None:
    app.before_request(check_bearer_token)
