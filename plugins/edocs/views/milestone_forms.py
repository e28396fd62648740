"""The forms of the milestones and completeness pages (the rules live in ``services.milestones``,
which names every problem)."""
from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm

from ..domain.milestone_templates import TEMPLATES


def with_ids(form: ToolForm, key: str) -> ToolForm:
    """Give the form's fields ids of their own (``move7-due_on``), so that one form per milestone
    can sit on the page; their names (and the CSRF field's) stay those the view reads."""
    for name, bound in form._fields.items():
        if name != "csrf_token":
            bound.id = bound.label.field_id = f"{key}-{name}"
    return form


def _owner_choices(members) -> list[SelectChoice]:
    return [SelectChoice("", "Me")] + [SelectChoice(str(m.user_id), m.name or m.email) for m in members]


class ActionForm(ToolForm):
    """A button that only needs the CSRF token (remind owners, remove an expectation)."""


class MilestoneForm(ToolForm):
    kind = SelectField("Milestone", validate_choice=False)
    site = SelectField("Site (for a site milestone)", validate_choice=False)
    due_on = DateField("Date", render_kw={"required": True})
    owner = SelectField("Owner of its documents (reminded when overdue)", validate_choice=False)

    def offer(self, sites, members) -> None:
        self.kind.choices = [SelectChoice(t.kind, f"{t.label} ({'per site' if t.level == 'site' else 'trial'})")
                             for t in TEMPLATES.values()]
        self.site.choices = [SelectChoice("", "— trial milestone —")] + [SelectChoice(s.code, str(s)) for s in sites]
        self.owner.choices = _owner_choices(members)


class MoveForm(ToolForm):
    due_on = DateField("New date", render_kw={"required": True})
    reason = TextAreaField("Reason for the move", render_kw={"rows": 2, "maxlength": 500})


class ExpectationForm(ToolForm):
    artifact = StringField("Artifact number", render_kw={"maxlength": 8, "placeholder": "05.02.04",
                                                         "spellcheck": "false"})
    due_offset_days = StringField("Due (days after the milestone; negative: before)",
                                  render_kw={"inputmode": "numeric", "maxlength": 5})
    owner = SelectField("Owner", validate_choice=False)

    def offer(self, members) -> None:
        self.owner.choices = _owner_choices(members)
