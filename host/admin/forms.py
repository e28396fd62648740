"""The console's forms on the kit (:mod:`sdk.forms`): every problem at once beside its field.

The rules stay in the services (:func:`host.licensing.admin_change`, the manual billing backend,
event requeueing); these forms check what a person typed (present, a whole number in range, a
known tool or plan) with the services' own words, so nothing reaches a service half-checked and a
refusal the service still makes lands in the summary at the top.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import current_app
from wtforms import BooleanField, Form, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from sdk.forms import InputProblems, ToolForm
from sdk.numbers import INT32_MAX

from ..licensing import MAX_ADMIN_DAYS, MAX_REASON_LENGTH, MAX_SEATS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Needed:
    """A field that must not be blank, with the service's own message (no browser ``required``
    flag: the server says every missing field at once)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        data = field.data
        if not (data.strip() if isinstance(data, str) else data):
            raise StopValidation(self.message)


class WholeNumber:
    """An optional whole number between ``low`` and ``high``."""

    def __init__(self, label: str, low: int, high: int, out_of_range: str):
        self.label, self.low, self.high, self.out_of_range = label, low, high, out_of_range

    def __call__(self, form, field):
        raw = (field.data or "").strip()
        if not raw:
            return
        try:
            value = int(raw)
        except ValueError:
            raise ValidationError(f"{self.label} must be a whole number.") from None
        if not self.low <= value <= self.high:
            raise ValidationError(self.out_of_range)


def whole(field) -> int | None:
    raw = (field.data or "").strip()
    return int(raw) if raw else None


def _reason(label: str, message: str, hint_kw: dict | None = None):
    return StringField(label, [Needed(message)], filters=[_strip],
                       render_kw={"maxlength": MAX_REASON_LENGTH, "autocomplete": "off", **(hint_kw or {})})


def _days(label: str = "Days"):
    return StringField(label, [WholeNumber("Days", 1, MAX_ADMIN_DAYS,
                                            f"The number of days must be between 1 and {MAX_ADMIN_DAYS}.")],
                       render_kw={"inputmode": "numeric", "size": 6})


def _seats(label: str = "Seats"):
    return StringField(label, [WholeNumber("Seats", 1, MAX_SEATS, f"Seats must be between 1 and {MAX_SEATS:,}.")],
                       render_kw={"inputmode": "numeric", "size": 6})


LICENSE_REASON = "A reason is required for every license change."


class AdminForm(ToolForm):
    """A console form; ``id_prefix`` keeps element ids unique when a page shows several forms
    with the same field names (the posted names stay as they are)."""

    def __init__(self, *args, id_prefix: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if id_prefix:
            for field in self:
                field.id = id_prefix + field.id
                field.label.field_id = field.id

    def refuse(self, message: str, field: str | None = None) -> None:
        """Add a service's refusal to the summary (or beside ``field``)."""
        self.absorb(InputProblems([(field, message)]))


def _registry():
    return current_app.extensions["trialoffice.registry"]


class ExtendForm(AdminForm):
    days = _days()
    reason = _reason("Reason (kept in the history)", LICENSE_REASON)


class GrantForm(AdminForm):
    """Grant as active; the plan choices are the tool's (see :func:`plan_choices`)."""

    plan = SelectField("Plan", validate_choice=False)
    seats = _seats()
    days = _days()
    reason = _reason("Reason (kept in the history)", LICENSE_REASON)


class SuspendForm(AdminForm):
    reason = _reason("Reason (shown to the organization's owners and kept in the history)", LICENSE_REASON)
    confirm = BooleanField("I confirm: suspend this license now",
                           [Needed("Tick the box to confirm the suspension; nothing was changed.")])


class RevokeForm(AdminForm):
    reason = _reason("Reason (kept in the history)", LICENSE_REASON)
    confirm = BooleanField("I confirm: revoke this license now (it lapses today)",
                           [Needed("Tick the box to confirm the revocation; nothing was changed.")])


LICENSE_FORMS = {"extend": ExtendForm, "grant": GrantForm, "suspend": SuspendForm, "revoke": RevokeForm}


def plan_choices(manifest) -> list[SelectChoice]:
    return [SelectChoice(p.code, f"{p.name} ({p.code})") for p in manifest.plans] if manifest else []


class OrgGrantForm(AdminForm):
    """Grant (or renew) a license from an organization's page."""

    tool = SelectField("Tool", validate_choice=False)
    plan = SelectField("Plan", validate_choice=False)
    seats = _seats()
    days = _days("Days (default 30)")
    reason = _reason("Reason (kept in the history)", LICENSE_REASON)

    def setup(self, grantable) -> OrgGrantForm:
        self.tool.choices = [SelectChoice(m.key, f"{m.name} ({m.key})") for m in grantable]
        self.plan.choices = [SelectChoice("", "The tool's first plan (or the current one)")] + [
            SelectChoice(p.code, f"{m.name}: {p.name} ({p.code})") for m in grantable for p in m.plans]
        return self

    def validate_tool(self, field):
        if _registry().manifest(field.data or "") is None:
            raise ValidationError(f"There is no available tool '{field.data}'.")

    def validate_plan(self, field):
        manifest = _registry().manifest(self.tool.data or "")
        if field.data and manifest is not None and manifest.plan(field.data) is None:
            raise ValidationError(f"{manifest.name} has no plan '{field.data}'.")


class CompForm(AdminForm):
    org = StringField("Organization (short name)", [Needed("Give the organization's short name.")],
                      filters=[_strip], render_kw={"maxlength": 40})
    tool = SelectField("Tool", validate_choice=False)
    plan = StringField("Plan code (optional)", filters=[_strip], render_kw={"maxlength": 40})
    seats = _seats("Seats (optional)")
    days = _days("Days (default 30)")
    reason = _reason("Reason (kept in the license's history)", "A reason is required for a complimentary license.")

    def validate_tool(self, field):
        if _registry().manifest(field.data or "") is None:
            raise ValidationError(f"There is no available tool '{field.data}'.")


class MarkPaidForm(AdminForm):
    note = _reason("How it was paid (e.g. the bank transfer reference)",
                   "Say how the invoice was paid (e.g. the bank transfer reference).")


def minor_units(raw: str | None) -> int:
    """``"2.50"`` -> 250: an amount typed in the currency's main unit, at most two decimals."""
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        raise ValidationError("Give the refund as an amount such as 2.50.") from None
    if not value.is_finite() or value <= 0:
        raise ValidationError("The refund must be more than zero.")
    if value > Decimal(INT32_MAX) / 100:  # amounts are Integer columns; compared before any arithmetic
        raise ValidationError("The refund is larger than any invoice can be.")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValidationError("The refund can have at most two decimals.")
    return int(cents)


class RefundForm(AdminForm):
    amount = StringField("Amount", filters=[_strip], render_kw={"inputmode": "decimal", "size": 10})
    note = _reason("Why and how it was refunded", "Say why and how the refund was made.")

    def validate_amount(self, field):
        minor_units(field.data)


class RequeueForm(AdminForm):
    reason = _reason("Reason (kept in the audit trail)", "A reason is required to requeue a delivery.")


class UserActiveForm(AdminForm):
    active = HiddenField()
    confirm = BooleanField("I confirm", [Needed("Tick the confirmation to continue; nothing was changed.")])

    def validate_active(self, field):
        if field.data not in ("0", "1"):
            raise ValidationError("Open this page from the list of users and try again.")


class FilterForm(Form):
    """A list's GET filters: bound to the query string, no CSRF, unknown values ignored."""

    def value(self, name: str) -> str:
        field = self[name]
        data = (field.data or "").strip()
        if isinstance(field, SelectField):
            return data if data in {str(c.value) for c in field.choices} else ""
        return data


def choices(values, everything: str, label=str) -> list[SelectChoice]:
    return [SelectChoice("", everything)] + [SelectChoice(v, label(v)) for v in values]


def tool_choices(everything: str = "All tools") -> list[SelectChoice]:
    """Every installed tool by its name (its key when it has no valid manifest)."""
    records = sorted(_registry().records.values(), key=lambda r: r.key)
    return [SelectChoice("", everything)] + [SelectChoice(r.key, r.manifest.name if r.manifest else r.key)
                                             for r in records]


class OrgFilter(FilterForm):
    q = StringField("Name or short name", render_kw={"type": "search", "maxlength": 100})
    type = SelectField("Type")


class UserFilter(FilterForm):
    q = StringField("Email or name", render_kw={"type": "search", "maxlength": 100})


class LicenseFilter(FilterForm):
    tool = SelectField("Tool")
    status = SelectField("Status")
    org = StringField("Organization (short name)", render_kw={"maxlength": 40})


class InvoiceFilter(FilterForm):
    status = SelectField("Status")
    org = StringField("Organization (short name)", render_kw={"maxlength": 40})
    tool = SelectField("Tool")


class EventFilter(FilterForm):
    state = SelectField("State")
    tool = SelectField("Tool")
