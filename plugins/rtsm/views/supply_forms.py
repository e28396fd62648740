"""The forms of the supply pages (the rules live in the services, which name every problem)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm

CONDITION_CHOICES = [SelectChoice("received", "Received"), SelectChoice("damaged", "Damaged"),
                     SelectChoice("missing", "Missing")]


class KitUploadForm(ToolForm):
    file = FileField("Kit list (CSV)")


class ReasonForm(ToolForm):
    """Quarantine, release, return or destroy a kit: the reason goes to the audit trail."""

    reason = TextAreaField("Reason", render_kw={"rows": 2, "maxlength": 200})


class ReverseForm(ToolForm):
    reason = TextAreaField("Reason for reversing", render_kw={"rows": 2, "maxlength": 200})
    condition = SelectField("What the kit really was (a receipt undone)", validate_choice=False,
                            choices=[SelectChoice("", "—"), SelectChoice("damaged", "Damaged"),
                                     SelectChoice("missing", "Missing")])


class ShipmentRequestForm(ToolForm):
    site = SelectField("Site", validate_choice=False)
    quantity = StringField("Number of kits", render_kw={"inputmode": "numeric", "maxlength": 5})
    kits = TextAreaField("Or these kit numbers", render_kw={"rows": 2, "spellcheck": "false"})

    def __init__(self, sites, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site.choices = [SelectChoice(site.code, str(site)) for site in sites]


class ActionForm(ToolForm):
    """A button that only needs the CSRF token (ship, cancel, activate, run resupply)."""


def receive_form(kits, data=None) -> ToolForm:
    """One condition select per kit of the shipment (``kit_<id>``), "received" by default."""
    fields = {f"kit_{kit.id}": SelectField(f"Kit {kit.number}", choices=CONDITION_CHOICES, default="received",
                                           validate_choice=False) for kit in kits}
    form_class = type("ReceiveForm", (ToolForm,), fields)
    return form_class(formdata=data)


class WindowsForm(ToolForm):
    do_not_ship_days = StringField("Do-not-ship window (days before expiry)", render_kw={"inputmode": "numeric"})
    do_not_dispense_days = StringField("Do-not-dispense window (days before expiry)",
                                       render_kw={"inputmode": "numeric"})


class DepotForm(ToolForm):
    code = StringField("Depot code", render_kw={"maxlength": 40})
    name = StringField("Name", render_kw={"maxlength": 200})


class SiteSupplyForm(ToolForm):
    min_stock = StringField("Resupply trigger (kits)", render_kw={"inputmode": "numeric"})
    max_stock = StringField("Resupply up to (kits)", render_kw={"inputmode": "numeric"})
    initial_kits = StringField("Initial shipment (kits)", render_kw={"inputmode": "numeric"})
    depot = SelectField("Supplied from", validate_choice=False)

    def __init__(self, depots, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.depot.choices = [SelectChoice(depot.code, str(depot)) for depot in depots]

