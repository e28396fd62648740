"""The forms of the query and data quality pages (the rules live in the services)."""
from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from sdk.forms import ToolForm

from ..models import QUERY_ORIGINS, QUERY_STATUSES, RULE_SEVERITIES


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class QueryFilters(ToolForm):
    """The query list's filters: a GET (bookmarkable), so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField("Status", choices=choices([("", "Open (any)"), ("all", "All"), *QUERY_STATUSES.items()]),
                         validate_choice=False)
    site = SelectField("Site", validate_choice=False)
    origin = SelectField("Raised by", choices=choices([("", "Any"), *QUERY_ORIGINS.items()]),
                         validate_choice=False)

    def __init__(self, sites, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site.choices = choices([("", "All sites")] + [(str(site.id), str(site)) for site in sites])


class RaiseQueryForm(ToolForm):
    text = TextAreaField("Query", render_kw={"rows": 4, "maxlength": 4000})


class QueryActionForm(ToolForm):
    body = TextAreaField("Message", render_kw={"rows": 3, "maxlength": 4000})


class RuleForm(ToolForm):
    name = StringField("Name", render_kw={"maxlength": 200})
    expression = TextAreaField("Logic (TRUE where the data is wrong)", render_kw={"rows": 3, "spellcheck": "false"})
    severity = SelectField("Severity", choices=choices(RULE_SEVERITIES.items()), validate_choice=False)


class RaiseFromFindingsForm(ToolForm):
    rule = SelectMultipleField("Rules", validate_choice=False, option_widget=CheckboxInput(),
                               widget=ListWidget(prefix_label=False))
