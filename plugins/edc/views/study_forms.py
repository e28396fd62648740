"""The page forms of the study build: a new study, a definition file, a site and an invitation.

The rules live in ``services.studies`` (page and API say the same words); these forms only
render the fields, keep the values and carry the CSRF token."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import MultiCheckboxField, ToolForm

from ..services.studies import FORMATS, SITE_ROLES, STUDY_ROLES

ROLE_LABELS = {"data_manager": "Data manager", "monitor": "Monitor",
               "site_coordinator": "Site coordinator", "investigator": "Investigator"}


class StudyForm(ToolForm):
    name = StringField("Study name", render_kw={"maxlength": 200})
    oid = StringField("Study OID", render_kw={"maxlength": 100, "autocomplete": "off"})
    protocol_name = StringField("Protocol", render_kw={"maxlength": 200})
    description = TextAreaField("Description", render_kw={"rows": 3})


class DefinitionForm(ToolForm):
    format = RadioField("Format", choices=[SelectChoice(key, label) for key, label in FORMATS.items()],
                        default="dictionary")
    file = FileField("Definition file")
    name = StringField("Version name", render_kw={"maxlength": 200})


class SiteForm(ToolForm):
    code = StringField("Site number", render_kw={"maxlength": 40, "autocomplete": "off"})
    name = StringField("Site name", render_kw={"maxlength": 200})


class ShareForm(ToolForm):
    org = StringField("Organization", render_kw={"maxlength": 100, "autocomplete": "off"})
    roles = MultiCheckboxField("Roles", choices=[SelectChoice(role, ROLE_LABELS[role])
                                                 for role in STUDY_ROLES + SITE_ROLES])
    site = SelectField("For", choices=[SelectChoice("", "The whole study")], default="")

    def offer_sites(self, sites) -> "ShareForm":
        self.site.choices = [SelectChoice("", "The whole study (a CRO)")] + [
            SelectChoice(str(site.id), f"Site {site.code} {site.name} only (a site organization)") for site in sites]
        return self
