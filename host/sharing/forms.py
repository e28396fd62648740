"""The sharing pages' forms with choices: the roles a given share grants (one form a share) and
who of the grantee works on a received share (the team page).

Their rules live in :mod:`host.sharing.grants` and :mod:`host.sharing.team`; the other forms of
the Sharing page (accept, decline, revoke, give up) are buttons with no field.
"""
from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice

from sdk.forms import MultiCheckboxField, ToolForm


class GrantRolesForm(ToolForm):
    role = MultiCheckboxField("Roles", validate_choice=False)

    @classmethod
    def for_grant(cls, grant, manifest, *, posted: bool = False) -> "GrantRolesForm":
        """The form of one share: its own ids on a page of many; ``posted`` fills it from the
        request (kept when refused), else from the roles the share grants now."""
        form = cls() if posted else cls(formdata=None, data={"role": list(grant.roles)})
        form.role.id = form.role.label.field_id = f"roles-{grant.id}"
        form.role.label.text = f"Roles of {grant.grantee.name}"
        form.role.choices = [SelectChoice(role.key, f"{role.label} (read only)" if role.read_only else role.label)
                             for role in manifest.roles]
        return form


class TeamForm(ToolForm):
    """Who of the grantee works on a share under which of its roles: ``<membership id>:<role>``
    values, drawn by the template as a grid (a row a member, a column a role). The service
    refuses only what the grid never offers, so its problems go to the summary; the ticks stay."""

    assign = SelectMultipleField("Roles of the members", validate_choice=False)
