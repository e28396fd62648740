"""The account's email choices: one checkbox per notification kind a person may turn off."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from sdk.forms import MultiCheckboxField, ToolForm
from sdk.notifications import NOTIFICATION_KINDS


class EmailChoicesForm(ToolForm):
    email = MultiCheckboxField("Also send by email")

    @classmethod
    def for_choices(cls, choices: dict[str, bool], formdata=None) -> "EmailChoicesForm":
        """The form for ``choices`` (kind -> email wanted); posted data wins over the stored."""
        form = cls(formdata=formdata) if formdata is not None else cls(email=[k for k, on in choices.items() if on])
        form.email.choices = [SelectChoice(key, NOTIFICATION_KINDS[key].label) for key in choices]
        return form
