"""Buying a tool from the catalog: choose plan, billing interval, seats and organization on the
tool page, see exactly what will be charged, then confirm.

The confirmation posts to :func:`purchases.purchase`. A form sent twice finds the purchase the
first one made (the service answers with the same subscription), so nothing is bought twice.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sdk.manifest import format_money

from ..db import db_session
from ..licensing import LicensingError
from ..models import Invoice
from ..orgctx import org_member_required
from ..templating import localtime
from .blueprint import bp, manifest_or_404
from .purchases import purchase
from .quote import parse_seats, quote


@bp.get("/marketplace/<key>/buy")
def choose(key: str):
    """The tool page's "Buy" form names the organization; its confirmation lives under it."""
    if not current_user.is_authenticated:
        abort(401)
    manifest_or_404(key)
    slug = (request.args.get("org") or "").strip()
    if not slug:
        flash("Choose the organization to buy for.", "error")
        return redirect(url_for("catalog.tool", key=key), 303)
    args = {name: request.args[name] for name in ("plan", "interval", "seats") if request.args.get(name)}
    return redirect(url_for("billing.confirm_purchase", org=slug, key=key, **args), 303)


def asks_payment_method() -> bool:
    """Only the direct Stripe path (a local Stripe-compatible server) takes a payment method here."""
    config = current_app.config
    return config["BILLING"] == "stripe" and not config.get("STRIPE_CHECKOUT")


def _form_terms(source) -> tuple[str, str, str]:
    return ((source.get("plan") or "").strip(), (source.get("interval") or "month").strip(),
            source.get("seats") or "")


def _render_confirmation(manifest, terms, status: int = 200, refusal: str | None = None):
    """The quote for ``terms`` with any ``refusal`` flashed, or why it cannot be bought."""
    plan, interval, seats = terms
    problems = [refusal] if refusal else []
    try:
        priced = quote(db_session(), manifest, plan, interval, parse_seats(seats))
    except LicensingError as exc:
        db_session().rollback()
        priced, status = None, max(status, 422)
        if str(exc) not in problems:
            problems.append(str(exc))
    for problem in problems:
        flash(problem, "error")
    return render_template("billing/confirm_purchase.html", manifest=manifest, quote=priced,
                           asks_payment_method=asks_payment_method(), backend=current_app.config["BILLING"],
                           payment_method=request.form.get("payment_method", "")), status


@bp.route("/o/<org>/billing/buy/<key>", methods=["GET", "POST"])
@org_member_required(admin=True)
def confirm_purchase(key: str):
    manifest = manifest_or_404(key)
    if request.method != "POST":
        return _render_confirmation(manifest, _form_terms(request.args))
    terms = _form_terms(request.form)
    payment_method = (request.form.get("payment_method") or "").strip() if asks_payment_method() else ""
    session = db_session()
    try:
        result = purchase(session, g.org, key, plan_code=terms[0], interval=terms[1], seats=parse_seats(terms[2]),
                          actor=current_user._get_current_object(), payment_method=payment_method or None,
                          return_url=url_for("billing.index", _external=True))
        session.commit()
    except LicensingError as exc:
        session.rollback()
        return _render_confirmation(manifest, terms, 422, str(exc))
    except IntegrityError:
        session.rollback()
        return _render_confirmation(manifest, terms, 409, f"{manifest.name} was bought by someone else at the "
                                                          "same time; see the billing page.")
    if result.redirect_url:
        return redirect(result.redirect_url, 303)
    if not result.created:
        flash(f"This purchase of {manifest.name} was already made (the form was sent twice); "
              "nothing more was charged.", "info")
    flash(_outcome(session, manifest, result), "success")
    return redirect(url_for("billing.index"), 303)


def _outcome(session, manifest, result) -> str:
    lic = result.license
    if lic is not None and lic.entitled() and lic.status == "active":
        until = f" until {localtime(lic.valid_until)}" if lic.valid_until else ""
        return f"{manifest.name} is active{until} and switched on for this organization."
    invoice = session.scalar(select(Invoice).where(Invoice.subscription_id == result.subscription.id,
                                                   Invoice.status == "open").order_by(Invoice.id.desc()))
    if invoice is not None:
        amount = format_money(invoice.amount_due, invoice.currency)
        return (f"Invoice {invoice.number} for {amount} is open. {manifest.name} becomes active as soon "
                "as it is paid.")
    return f"The payment for {manifest.name} is being confirmed; the license becomes active once it is."
