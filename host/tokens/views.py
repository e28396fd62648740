"""The API tokens page of an organization: my tokens, a new one (shown once), revocation.

Any member manages their own tokens; an org admin may also revoke the other members' tokens.
The raw token is never stored: it is rendered once, in the answer to the creating POST.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, url_for
from flask_login import current_user

from ..auth.tokens import revoke_token
from ..db import db_session
from ..orgctx import org_member_required
from .forms import TokenForm
from .service import (
    TokenError,
    create_token,
    others_active_tokens,
    revocable_token,
    tokens_of,
)

bp = Blueprint("tokens", __name__)


def _render_index(form: TokenForm, status: int = 200):
    session = db_session()
    others = others_active_tokens(session, g.org, current_user) if g.membership.is_admin else []
    return render_template("tokens/index.html", tokens=tokens_of(session, g.org, current_user),
                           others=others, form=form), status


@bp.get("/o/<org>/tokens")
@org_member_required
def index():
    return _render_index(TokenForm())


@bp.post("/o/<org>/tokens")
@org_member_required
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_index(form, 400)
    session = db_session()
    try:
        token, raw = create_token(session, g.org, current_user, form.name.data)
        session.commit()
    except TokenError as problems:
        session.rollback()
        form.absorb(problems)
        return _render_index(form, 400)
    response = make_response(render_template("tokens/created.html", token=token, raw_token=raw), 201)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/o/<org>/tokens/<int:token_id>/revoke")
@org_member_required
def revoke(token_id: int):
    session = db_session()
    token = revocable_token(session, g.org, g.membership, current_user, token_id)
    if token is None:
        abort(404, "There is no such token in this organization.")
    revoke_token(token)
    session.commit()
    flash(f"The token “{token.name}” is revoked; programs using it are refused from now on.", "success")
    return redirect(url_for("tokens.index"), 303)
