"""The team page's forms: who of the organization holds which role on the study, and an
invitation to another organization (rules in ``views.sharing`` and the host's sharing)."""
from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from sdk.forms import MultiCheckboxField, ToolForm

from .. import manifest


class TeamForm(ToolForm):
    """Ticked ``<user id>:<role>`` values, drawn as a grid (a row a member, a column a role)."""

    assign = SelectMultipleField("Roles on this study", validate_choice=False)


#: roles a site organization may hold (its own site); the whole study's grantees may hold any
SITE_ROLES = ("site_staff", "investigator")


class ShareForm(ToolForm):
    org = StringField("Organization", render_kw={"maxlength": 100, "autocomplete": "off"})
    site = SelectField("For", choices=[SelectChoice("", "The whole study")], default="")
    roles = MultiCheckboxField("Roles", choices=[SelectChoice(role.key, role.label) for role in manifest.roles])

    def offer_sites(self, sites) -> "ShareForm":
        self.site.choices = [SelectChoice("", "The whole study (a CRO)")] + [
            SelectChoice(str(site.id), f"Site {site.code} {site.name} only (a site organization)".replace("  ", " "))
            for site in sites]
        return self
