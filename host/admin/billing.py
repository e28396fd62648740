"""Billing across organizations: invoices and payments, refunds, comped licenses, revenue per tool.

Marking paid and noting refunds go through the manual backend's services (``host.billing.manual``);
a comp is an admin grant (:func:`host.licensing.admin_change`) with its required reason.
"""
from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from sdk.manifest import format_money
from sdk.tables import Column, list_page, table_page
from sdk.tenancy import all_organizations, org_scope

from ..billing.manual import mark_paid, note_refund
from ..billing.overview import invoice_view
from ..db import db_session
from ..licensing import LicensingError
from ..models import Invoice, License, Organization, Subscription
from ..models.billing import INVOICE_STATUSES
from ..words import status_word
from .blueprint import PER_PAGE, bp, registry
from .forms import (
    AdminForm,
    CompForm,
    InvoiceFilter,
    MarkPaidForm,
    RefundForm,
    choices,
    minor_units,
    tool_choices,
    whole,
)
from .licenses import apply_change

COMP_PREFIX = "complimentary license (no charge): "

INVOICE_COLUMNS = (
    Column("number", "Number", Invoice.number, width="9rem"), Column("org", "Organization", Organization.name),
    Column("tool", "Tool", Subscription.tool_key, width="8rem"), Column("what", "What"),
    Column("due", "Due", Invoice.amount_due, numeric=True, width="7rem"),
    Column("paid", "Paid", Invoice.amount_paid, numeric=True, width="7rem"),
    Column("refunded", "Refunded", Invoice.amount_refunded, numeric=True, width="7rem"),
    Column("status", "Status", Invoice.status, width="7rem"), Column("issued", "Issued", Invoice.created_at, width="7rem"))


@bp.get("/billing/invoices")
def billing_invoices():
    filters = InvoiceFilter(request.args)
    filters.status.choices = choices(INVOICE_STATUSES, "All statuses", lambda s: status_word(s, "invoice"))
    filters.tool.choices = tool_choices()
    stmt = (select(Invoice, Organization).join(Organization, Organization.id == Invoice.org_id)
            .join(Subscription, Subscription.id == Invoice.subscription_id))
    if status := filters.value("status"):
        stmt = stmt.where(Invoice.status == status)
    if org_slug := filters.value("org").lower():
        stmt = stmt.where(Organization.slug == org_slug)
    if tool := filters.value("tool"):
        stmt = stmt.where(Subscription.tool_key == tool)
    with all_organizations():
        page = table_page(db_session(), stmt, INVOICE_COLUMNS, default_sort="-issued", per_page=PER_PAGE,
                          tiebreak=Invoice.id.desc(), scalars=False)
        page = replace(page, items=[(invoice_view(inv), org) for inv, org in page.items])
    return render_template("admin/billing_invoices.html", page=page, filters=filters,
                           filtered=bool(status or org_slug or tool))


def _invoice_or_404(invoice_id: int) -> tuple[Invoice, Organization]:
    with all_organizations():
        row = db_session().execute(select(Invoice, Organization)
                                   .join(Organization, Organization.id == Invoice.org_id)
                                   .where(Invoice.id == invoice_id)).first()
    if row is None:
        abort(404, "There is no such invoice.")
    return row[0], row[1]


def _render_invoice(invoice_id: int, failed: AdminForm | None = None, status: int = 200):
    invoice, org = _invoice_or_404(invoice_id)
    with all_organizations():
        lic = db_session().scalar(select(License).where(License.org_id == org.id,
                                                        License.tool_key == invoice.subscription.tool_key))
    paid_form = failed if isinstance(failed, MarkPaidForm) else MarkPaidForm(formdata=None, id_prefix="paid-")
    refund_form = failed if isinstance(failed, RefundForm) else RefundForm(formdata=None, id_prefix="refund-")
    return render_template("admin/billing_invoice.html", invoice=invoice, view=invoice_view(invoice), org=org,
                           sub=invoice.subscription, lic=lic, paid_form=paid_form, refund_form=refund_form), status


@bp.get("/billing/invoices/<int:invoice_id>")
def billing_invoice(invoice_id: int):
    return _render_invoice(invoice_id)


def _change_invoice(invoice_id: int, form: AdminForm, change, done: str):
    """Run ``change(session, invoice)`` and commit, or re-show the invoice with every problem."""
    invoice, _ = _invoice_or_404(invoice_id)
    session = db_session()
    if form.validate_on_submit():
        try:
            with org_scope(invoice.org_id):
                change(session, invoice)
            session.commit()
        except LicensingError as exc:
            session.rollback()
            form.refuse(str(exc))
        else:
            flash(done.format(number=invoice.number), "success")
            return redirect(url_for("admin.billing_invoice", invoice_id=invoice_id), 303)
    return _render_invoice(invoice_id, form, 422)


@bp.post("/billing/invoices/<int:invoice_id>/paid")
def mark_invoice_paid(invoice_id: int):
    form = MarkPaidForm(id_prefix="paid-")
    return _change_invoice(invoice_id, form, lambda session, inv: mark_paid(session, inv, form.note.data),
                           "Invoice {number} is marked paid.")


@bp.post("/billing/invoices/<int:invoice_id>/refund")
def refund_invoice(invoice_id: int):
    form = RefundForm(id_prefix="refund-")

    def change(session, invoice):
        note_refund(session, invoice, minor_units(form.amount.data), form.note.data)

    return _change_invoice(invoice_id, form, change, "The refund on invoice {number} is noted.")


def _render_comp(form: CompForm, status: int = 200):
    tools = sorted((r.manifest for r in registry().available()), key=lambda m: m.name.casefold())
    form.tool.choices = [SelectChoice(m.key, m.name) for m in tools]
    return render_template("admin/billing_comp.html", form=form), status


@bp.route("/billing/comp", methods=["GET", "POST"])
def comp_license():
    """A free license for an organization; the reason is required and kept in the license's history."""
    if request.method != "POST":
        return _render_comp(CompForm(formdata=None, id_prefix="comp-"))
    form = CompForm(id_prefix="comp-")
    valid = form.validate_on_submit()
    org = None
    if form.org.data and not form.org.errors:
        org = db_session().scalar(select(Organization).where(Organization.slug == form.org.data.lower()))
        if org is None:
            form.refuse(f"There is no organization '{form.org.data}'.", "org")
    if valid and org is not None:
        try:
            lic = apply_change(org, form.tool.data, "grant", COMP_PREFIX + form.reason.data, plan=form.plan.data,
                               seats=whole(form.seats), days=whole(form.days))
        except LicensingError as exc:
            db_session().rollback()
            form.refuse(str(exc))
        else:
            flash(f"{org.name} has a complimentary {form.tool.data} license until {lic.valid_until:%Y-%m-%d}.",
                  "success")
            return redirect(url_for("admin.license_detail", license_id=lic.id), 303)
    return _render_comp(form, 422)


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


def _key(name):
    return lambda row: row[name] or 0


REVENUE_COLUMNS = (
    Column("tool", "Tool", lambda row: row["tool"]), Column("currency", "Currency", lambda row: row["currency"] or "",
                                                            width="6rem"),
    Column("invoices", "Paid invoices", _key("invoices"), numeric=True, width="8rem"),
    Column("paid", "Paid", _key("paid"), numeric=True), Column("refunded", "Refunded", _key("refunded"), numeric=True),
    Column("revenue", "Revenue", _key("revenue"), numeric=True),
    Column("subscriptions", "Active subscriptions", _key("active_subscriptions"), numeric=True, width="10rem"))


@bp.get("/billing/revenue")
def billing_revenue():
    page = list_page(revenue_by_tool(db_session()), REVENUE_COLUMNS, default_sort="tool", per_page=PER_PAGE)
    return render_template("admin/billing_revenue.html", page=page)
