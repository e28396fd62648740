"""The visit form: fields and how they render; the rules are the service's (services.py)."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm

from .models import KINDS


class VisitForm(ToolForm):
    site = StringField("Site", render_kw={"maxlength": 120, "placeholder": "e.g. 104 Charité Berlin"})
    # Text, not DateField: the service reads the date, so a bad date is reported with the others.
    visited_on = StringField("Visit date", render_kw={"type": "date"})
    kind = SelectField("Kind of visit", choices=[SelectChoice("", "Choose…")]
                       + [SelectChoice(code, word) for code, word in KINDS.items()], validate_choice=False)
    findings = TextAreaField("Findings", render_kw={"rows": 5})
    reason = StringField("Reason for change", render_kw={"maxlength": 500})
