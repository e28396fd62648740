"""The billing pages' forms on the kit (:mod:`sdk.forms`): every problem beside its field.

Fields only: the rules live in the billing services (:func:`purchases.check_terms`,
:func:`purchases.change_seats`, the seat rules), which the JSON API calls too, so a page and a
program read the same messages. No field is ``required`` in the browser: the purchase form's
"Update price" button needs no payment method, and the server names every missing value at once.
"""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm
from sdk.manifest import format_money

from .quote import INTERVAL_LABELS


class PurchaseForm(ToolForm):
    """The confirmation page's form: the terms (kept and editable) and, on the direct Stripe path,
    the payment method."""

    plan = SelectField("Plan", validate_choice=False)
    interval = RadioField("Billing", validate_choice=False, default="month",
                          choices=[SelectChoice(key, label) for key, label in INTERVAL_LABELS.items()])
    seats = StringField("Seats", render_kw={"inputmode": "numeric", "size": 6, "autocomplete": "off"})
    payment_method = StringField("Payment method", render_kw={"maxlength": 120, "autocomplete": "off"})

    @classmethod
    def for_manifest(cls, manifest, **kwargs) -> "PurchaseForm":
        form = cls(**kwargs)
        form.plan.choices = [SelectChoice(plan.code, plan.name) for plan in manifest.plans]
        if not any(plan.per_seat for plan in manifest.plans):
            del form.seats
        return form

    @property
    def terms(self) -> tuple[str, str, str]:
        seats = self.seats.data if "seats" in self else ""
        return ((self.plan.data or "").strip(), (self.interval.data or "month").strip(), seats or "")


class BuyChoiceForm(ToolForm):
    """A plan's "Buy" form on the tool page: a GET to the confirmation (which checks the terms and
    shows any problem beside its field), so it carries no CSRF token."""

    class Meta:
        csrf = False

    plan = HiddenField()
    interval = RadioField("Billing", validate_choice=False)
    seats = StringField("Seats", render_kw={"inputmode": "numeric", "size": 6, "autocomplete": "off"})
    org = SelectField("For", validate_choice=False)

    @classmethod
    def for_plan(cls, plan, offers, orgs) -> "BuyChoiceForm":
        """``offers``: the plan's :class:`quote.Offer` list; ``orgs``: the organizations to buy for."""
        first = offers[0].interval if offers else "month"
        form = cls(formdata=None, data={"plan": plan.code, "interval": first, "seats": plan.min_seats})
        for name in ("plan", "interval", "seats", "org"):
            _placed(form, name, f"{name}-{plan.code}")
        form.interval.choices = [SelectChoice(offer.interval, offer_label(plan, offer)) for offer in offers]
        form.org.choices = [SelectChoice(org.slug, org.name) for org in orgs]
        if not plan.per_seat:
            del form.seats
        return form


def offer_label(plan, offer) -> str:
    """"Monthly: USD 1.50 per seat per month": every price says its interval."""
    seat = " per seat" if plan.per_seat else ""
    saving = f" (save {format_money(*offer.saving)}{seat})" if offer.saving else ""
    return f"{offer.label}: {format_money(*offer.price)}{seat} per {offer.interval}{saving}"


def _placed(form: ToolForm, name: str, element_id: str) -> ToolForm:
    """Give field ``name`` the id ``element_id``: a page shows one such form per tool."""
    form[name].id = element_id
    form[name].label.field_id = element_id
    return form


class SeatsForm(ToolForm):
    seats = StringField("Seats", render_kw={"inputmode": "numeric", "size": 5, "autocomplete": "off"})

    @classmethod
    def for_tool(cls, key: str, **kwargs) -> "SeatsForm":
        return _placed(cls(**kwargs), "seats", f"seats-{key}")


class AssignSeatForm(ToolForm):
    user_id = SelectField("Member", validate_choice=False)

    @classmethod
    def for_tool(cls, key: str, members, holder_ids, **kwargs) -> "AssignSeatForm":
        form = _placed(cls(**kwargs), "user_id", f"assign-{key}")
        form.user_id.choices = [SelectChoice(str(m.user_id), f"{m.user.name} ({m.user.email})")
                                for m in members if m.user_id not in holder_ids]
        return form


class CancelForm(ToolForm):
    confirm = BooleanField("I confirm", false_values=("", "false", "no"))


class ReleaseForm(ToolForm):
    """Releasing a seat: one button, no fields (its refusals show in the page's summary)."""
