"""Billing across organizations: invoices and payments, refunds, comped licenses, revenue per tool.

Marking paid and noting refunds go through the manual backend's services (``host.billing.manual``);
a comp is an admin grant (:func:`host.licensing.admin_change`) with its required reason.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from sdk.manifest import format_money
from sdk.numbers import INT32_MAX
from sdk.tenancy import all_organizations, org_scope

from ..billing.manual import mark_paid, note_refund
from ..billing.overview import invoice_view
from ..db import db_session
from ..licensing import LicensingError, admin_change
from ..models import Invoice, License, Organization, Subscription
from ..models.billing import INVOICE_STATUSES
from .blueprint import bp, form_int, registry
from .paging import paginate

COMP_PREFIX = "complimentary license (no charge): "


@bp.get("/billing/invoices")
def billing_invoices():
    status = request.args.get("status", "").strip()
    org_slug = request.args.get("org", "").strip().lower()
    tool = request.args.get("tool", "").strip()
    stmt = (select(Invoice, Organization).join(Organization, Organization.id == Invoice.org_id)
            .join(Subscription, Subscription.id == Invoice.subscription_id)
            .order_by(Invoice.created_at.desc(), Invoice.id.desc()))
    if status in INVOICE_STATUSES:
        stmt = stmt.where(Invoice.status == status)
    if org_slug:
        stmt = stmt.where(Organization.slug == org_slug)
    if tool:
        stmt = stmt.where(Subscription.tool_key == tool)
    with all_organizations():
        page = paginate(db_session(), stmt)
        rows = [(invoice_view(inv), org) for inv, org in page.items]
    return render_template("admin/billing_invoices.html", page=page, rows=rows, status=status,
                           org_slug=org_slug, tool=tool, statuses=INVOICE_STATUSES,
                           tool_keys=sorted(registry().records))


def _invoice_or_404(invoice_id: int) -> tuple[Invoice, Organization]:
    with all_organizations():
        row = db_session().execute(select(Invoice, Organization)
                                   .join(Organization, Organization.id == Invoice.org_id)
                                   .where(Invoice.id == invoice_id)).first()
    if row is None:
        abort(404, "There is no such invoice.")
    return row[0], row[1]


def _render_invoice(invoice_id: int, status: int = 200):
    invoice, org = _invoice_or_404(invoice_id)
    with all_organizations():
        lic = db_session().scalar(select(License).where(License.org_id == org.id,
                                                        License.tool_key == invoice.subscription.tool_key))
    return render_template("admin/billing_invoice.html", invoice=invoice, view=invoice_view(invoice), org=org,
                           sub=invoice.subscription, lic=lic, form=request.form), status


@bp.get("/billing/invoices/<int:invoice_id>")
def billing_invoice(invoice_id: int):
    return _render_invoice(invoice_id)


def _change_invoice(invoice_id: int, change, done: str):
    """Run ``change(session, invoice)`` and commit, or re-show the invoice with the reason."""
    invoice, _ = _invoice_or_404(invoice_id)
    session = db_session()
    try:
        with org_scope(invoice.org_id):
            change(session, invoice)
        session.commit()
    except LicensingError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _render_invoice(invoice_id, 422)
    flash(done.format(number=invoice.number), "success")
    return redirect(url_for("admin.billing_invoice", invoice_id=invoice_id), 303)


@bp.post("/billing/invoices/<int:invoice_id>/paid")
def mark_invoice_paid(invoice_id: int):
    return _change_invoice(invoice_id, lambda session, inv: mark_paid(session, inv, request.form.get("note", "")),
                           "Invoice {number} is marked paid.")


def minor_units(raw: str | None) -> int:
    """``"2.50"`` -> 250: an amount typed in the currency's main unit, at most two decimals."""
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        raise LicensingError("Give the refund as an amount such as 2.50.") from None
    if not value.is_finite() or value <= 0:
        raise LicensingError("The refund must be more than zero.")
    if value > Decimal(INT32_MAX) / 100:  # amounts are Integer columns; compared before any arithmetic
        raise LicensingError("The refund is larger than any invoice can be.")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise LicensingError("The refund can have at most two decimals.")
    return int(cents)


@bp.post("/billing/invoices/<int:invoice_id>/refund")
def refund_invoice(invoice_id: int):
    def change(session, invoice):
        note_refund(session, invoice, minor_units(request.form.get("amount")), request.form.get("note", ""))

    return _change_invoice(invoice_id, change, "The refund on invoice {number} is noted.")


def _render_comp(status: int = 200):
    tools = sorted((r.manifest for r in registry().available()), key=lambda m: m.name.casefold())
    return render_template("admin/billing_comp.html", tools=tools, form=request.form), status


@bp.route("/billing/comp", methods=["GET", "POST"])
def comp_license():
    """A free license for an organization; the reason is required and kept in the license's history."""
    if request.method != "POST":
        return _render_comp()
    session = db_session()
    form = request.form
    slug, tool_key, reason = (form.get(name, "").strip() for name in ("org", "tool", "reason"))
    try:
        org = session.scalar(select(Organization).where(Organization.slug == slug.lower()))
        if org is None:
            raise LicensingError(f"There is no organization '{slug}'.")
        if not reason:
            raise LicensingError("A reason is required for a complimentary license.")
        with org_scope(org.id):
            lic = admin_change(session, org, tool_key, "grant", COMP_PREFIX + reason,
                               current_user._get_current_object(), plan=form.get("plan") or None,
                               seats=form_int(form, "seats", "Seats"), days=form_int(form, "days", "Days"))
            session.commit()
    except LicensingError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _render_comp(422)
    flash(f"{org.name} has a complimentary {tool_key} license until {lic.valid_until:%Y-%m-%d}.", "success")
    return redirect(url_for("admin.license_detail", license_id=lic.id), 303)


def revenue_by_tool(session) -> list[dict]:
    """Per tool and currency: money kept (paid minus refunded) on paid invoices, and active subscriptions."""
    with all_organizations():
        money = session.execute(
            select(Subscription.tool_key, Invoice.currency, func.count(Invoice.id),
                   func.sum(Invoice.amount_paid), func.sum(Invoice.amount_refunded))
            .join(Subscription, Subscription.id == Invoice.subscription_id)
            .where(Invoice.status == "paid").group_by(Subscription.tool_key, Invoice.currency)).all()
        active = dict(session.execute(
            select(Subscription.tool_key, func.count(Subscription.id))
            .where(Subscription.status == "active", Subscription.ended_at.is_(None))
            .group_by(Subscription.tool_key)).all())
    rows = [{"tool": key, "currency": currency, "invoices": count, "paid": paid or 0, "refunded": refunded or 0,
             "revenue": (paid or 0) - (refunded or 0), "active_subscriptions": active.get(key, 0)}
            for key, currency, count, paid, refunded in money]
    rows += [{"tool": key, "currency": None, "invoices": 0, "paid": 0, "refunded": 0, "revenue": 0,
              "active_subscriptions": count} for key, count in active.items() if key not in {r["tool"] for r in rows}]
    for row in rows:
        row["shown"] = {name: format_money(row[name], row["currency"]) if row["currency"] else "none"
                        for name in ("paid", "refunded", "revenue")}
    return sorted(rows, key=lambda r: (r["tool"], r["currency"] or ""))


@bp.get("/billing/revenue")
def billing_revenue():
    return render_template("admin/billing_revenue.html", rows=revenue_by_tool(db_session()))
