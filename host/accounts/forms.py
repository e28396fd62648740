"""The page forms of the user's own account: profile, password and a new organization.

Fields only: the rules live in :mod:`host.accounts_service`, which reports every problem with
the name of the field it belongs to, and the form absorbs them (:mod:`sdk.forms`). No field is
browser-``required``: the server answers every problem at once, beside its field.
"""
from __future__ import annotations

from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm

from ..accounts_service import NAME_MAX_LENGTH, available_timezones
from ..auth.passwords import cut_secret
from ..models import ORG_TYPES

__all__ = ["NewOrganizationForm", "PasswordForm", "ProfileForm", "organization_fields"]


def _org_type_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Choose a type", render_kw={"disabled": True}),
            *(SelectChoice(key, label) for key, label in ORG_TYPES.items())]


def organization_fields() -> tuple:
    """Fresh fields of a new organization, for sign-up and "New organization" alike.

    Fresh on each call, so a form that declares its own fields first lists these after them (a
    form orders its fields by their creation). The service checks the type: an unknown one gets
    its message, not WTForms' "Not a valid choice"."""
    return (StringField("Organization name", render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "organization"}),
            StringField("Short name", render_kw={"maxlength": 40, "autocapitalize": "none", "spellcheck": "false"}),
            SelectField("Organization type", choices=_org_type_choices, default="", validate_choice=False))


class NewOrganizationForm(ToolForm):
    org_name, slug, org_type = organization_fields()


class ProfileForm(ToolForm):
    name = StringField("Name", render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "name"})
    timezone = SelectField("Time zone", choices=lambda: [SelectChoice(z) for z in available_timezones()],
                           validate_choice=False)


class PasswordForm(ToolForm):
    current_password = PasswordField("Current password", filters=[cut_secret],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", filters=[cut_secret], render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField("New password again", filters=[cut_secret],
                                     render_kw={"autocomplete": "new-password"})
