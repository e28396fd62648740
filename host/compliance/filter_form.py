"""The audit trail's filter bar: a GET form (no CSRF: it changes nothing) whose values stay in
the URL, so a filtered trail can be bookmarked and exported as shown."""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm


class AuditFilterForm(ToolForm):
    class Meta:
        csrf = False

    org = StringField("Organization", render_kw={"placeholder": "short name", "maxlength": 64})
    tool = SelectField("Tool", validate_choice=False)
    entity_type = StringField("Record type", render_kw={"placeholder": "e.g. license", "maxlength": 80})
    entity_id = StringField("Record id", render_kw={"maxlength": 80})
    user = StringField("User", render_kw={"placeholder": "name or email", "maxlength": 254})
    date_from = StringField("From (UTC)", render_kw={"type": "date"})
    date_to = StringField("To (UTC)", render_kw={"type": "date"})

    @classmethod
    def for_request(cls, args, tools: list[str], *, admin_view: bool) -> "AuditFilterForm":
        form = cls(formdata=args)
        form.tool.choices = [SelectChoice("", "All tools")] + [SelectChoice(t, t) for t in tools]
        if not admin_view:
            del form.org
        return form
