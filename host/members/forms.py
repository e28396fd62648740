"""The page forms of the members pages: an invitation, and an account made from one.

Fields only: the rules live in the services (:mod:`host.members.invitations`,
:mod:`host.accounts_service`), which name the field of each problem; the forms absorb them.
"""
from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm

from ..accounts_service import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from ..auth.passwords import cut_secret
from .roles import ROLE_LABELS


class InviteForm(ToolForm):
    email = EmailField("Email", render_kw={"maxlength": EMAIL_MAX_LENGTH, "autocapitalize": "none",
                                           "spellcheck": "false", "autocomplete": "off"})
    role = SelectField("Role", default="member", validate_choice=False)

    def offer_roles(self, *, owner: bool) -> "InviteForm":
        """Only an owner is offered "Owner" (the service refuses it to others anyway)."""
        self.role.choices = [SelectChoice(key, label) for key, label in ROLE_LABELS.items()
                             if owner or key != "owner"]
        return self


class InvitationSignupForm(ToolForm):
    name = StringField("Your name", render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "name"})
    password = PasswordField("Password", filters=[cut_secret], render_kw={"autocomplete": "new-password"})


class PermissionsForm(ToolForm):
    """A member's tool permissions and organization-wide tool roles, ``tool:key`` values.

    The template draws the boxes grouped by tool (a table, not the kit's ``field`` macro); the
    service refuses what the page never offers (an unknown tool, permission or role), so its
    problems concern the whole grid and appear in the summary, with the ticks kept."""

    permission = SelectMultipleField("Permissions", validate_choice=False)
    role = SelectMultipleField("Roles", validate_choice=False)


class RoleForm(ToolForm):
    """The role select of one member's row on the members page (one form a row)."""

    role = SelectField("Role", validate_choice=False)

    @classmethod
    def for_member(cls, membership, *, owner: bool, posted: bool = False) -> "RoleForm":
        """The row's form: its field named after the member (an id and a label of its own on a
        page of many rows); ``posted`` fills it from the request, else from the stored role."""
        form = cls() if posted else cls(formdata=None, data={"role": membership.role})
        form.role.id = form.role.label.field_id = f"role-{membership.id}"
        form.role.label.text = f"Role of {membership.user.name}"
        form.role.choices = [SelectChoice(key, label) for key, label in ROLE_LABELS.items()
                             if owner or key != "owner"]
        return form
