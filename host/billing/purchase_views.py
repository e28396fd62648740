"""Buying a tool from the catalog: choose plan, billing interval, seats and organization on the
tool page, see exactly what will be charged (terms still editable), then confirm.

The confirmation posts to :func:`purchases.purchase`. A form sent twice finds the purchase the
first one made (the service answers with the same subscription), so nothing is bought twice.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sdk.forms import InputProblems
from sdk.manifest import format_money

from ..db import db_session
from ..licensing import LicensingError
from ..models import Invoice
from ..orgctx import org_member_required
from ..templating import localtime
from .blueprint import bp, manifest_or_404
from .forms import PurchaseForm
from .purchases import purchase
from .quote import quote


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


def _render_confirmation(manifest, form: PurchaseForm, status: int = 200):
    """The form with the quote of its terms, or every reason they cannot be bought beside its field."""
    priced = None
    if not form.errors and not form.form_errors:
        try:
            priced = quote(db_session(), manifest, *form.terms, org=g.org)
        except InputProblems as problems:
            form.absorb(problems)
        except LicensingError as exc:
            form.form_errors.append(str(exc))
        if priced is None:
            db_session().rollback()
            status = max(status, 422)
    if not asks_payment_method() and "payment_method" in form:
        del form.payment_method
    return render_template("billing/confirm_purchase.html", manifest=manifest, quote=priced, form=form,
                           asks_payment_method=asks_payment_method(),
                           backend=current_app.config["BILLING"]), status


@bp.route("/o/<org>/billing/buy/<key>", methods=["GET", "POST"])
@org_member_required(admin=True)
def confirm_purchase(key: str):
    """GET shows the quote of the terms in the URL; POST with ``update`` re-prices the form's terms,
    otherwise it buys them (the form stays filled in and says why when it cannot)."""
    manifest = manifest_or_404(key)
    if request.method != "POST":
        if request.args:
            return _render_confirmation(manifest, PurchaseForm.for_manifest(manifest, formdata=request.args))
        first = {"plan": manifest.plans[0].code} if manifest.plans else {}
        return _render_confirmation(manifest, PurchaseForm.for_manifest(manifest, formdata=None, data=first))
    form = PurchaseForm.for_manifest(manifest)
    if not form.validate_on_submit():
        return _render_confirmation(manifest, form, 422)
    if request.form.get("update"):
        return _render_confirmation(manifest, form)
    payment_method = (form.payment_method.data or "").strip() if asks_payment_method() else ""
    plan, interval, seats = form.terms
    session = db_session()
    try:
        result = purchase(session, g.org, key, plan_code=plan, interval=interval, seats=seats,
                          actor=current_user._get_current_object(), payment_method=payment_method or None,
                          return_url=url_for("billing.index", _external=True))
        session.commit()
    except InputProblems as problems:
        session.rollback()
        form.absorb(problems)
        return _render_confirmation(manifest, form, 422)
    except LicensingError as exc:
        session.rollback()
        form.form_errors.append(str(exc))
        return _render_confirmation(manifest, form, 422)
    except IntegrityError:
        session.rollback()
        form.form_errors.append(f"{manifest.name} was bought by someone else at the same time; see the billing page.")
        return _render_confirmation(manifest, form, 409)
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
    if lic is not None and lic.status == "trialing" and lic.entitled() and result.subscription.backend == "stripe":
        return (f"{manifest.name} is bought: its free trial runs on until {localtime(lic.valid_until)}, when "
                "the first charge is made.")
    invoice = session.scalar(select(Invoice).where(Invoice.subscription_id == result.subscription.id,
                                                   Invoice.status == "open").order_by(Invoice.id.desc()))
    if invoice is not None:
        amount = format_money(invoice.amount_due, invoice.currency)
        if lic is not None and lic.status == "trialing" and invoice.period_start and lic.entitled():
            return (f"Invoice {invoice.number} for {amount} is open, for the period from "
                    f"{localtime(invoice.period_start)}, when the free trial of {manifest.name} ends; "
                    "the trial runs on until then.")
        return (f"Invoice {invoice.number} for {amount} is open. {manifest.name} becomes active as soon "
                "as it is paid.")
    return f"The payment for {manifest.name} is being confirmed; the license becomes active once it is."
