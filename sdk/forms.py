"""Forms: WTForms for rendering, CSRF and kept values; one validation for page and API.

A tool validates its input once, in its service layer, and reports every problem at once with
the field it belongs to by raising :class:`InputProblems`. The page form absorbs them (each
message beside its field, all of them in the summary at the top, every value kept) and the JSON
API answers them in the platform's 422 shape, so a person and a program read the same words::

    from sdk.forms import InputProblems, ToolForm
    from wtforms import StringField

    class SiteForm(ToolForm):
        name = StringField("Name")
        country = StringField("Country")

    def create_site(data):                       # the service: page and API call it alike
        problems = InputProblems()
        if not data.get("name"):
            problems.add("name", "Enter the site's name.")
        if not country_code(data.get("country")):
            problems.add("country", "Enter an ISO 3166 country, a code such as DE or its name.")
        problems.raise_if_any()
        ...

    @bp.post("/sites")
    def create():
        form = SiteForm()
        if form.validate_on_submit():            # CSRF and the fields' own coercion
            try:
                create_site(form.data)
                ...
            except InputProblems as problems:
                form.absorb(problems)
        return render_template("mytool/site_form.html", form=form), 422

The template renders it with the kit's macros (``{% from "kit/forms.html" import error_summary,
field %}``). Do not put ``required`` on an input another button of the same form does not need:
the server checks, and a browser-side ``required`` silently blocks the other button.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class InputProblems(ValueError):
    """Every problem of one input, each with the field it belongs to (None: the whole input)."""

    def __init__(self, problems: list[tuple[str | None, str]] | None = None):
        self.items: list[tuple[str | None, str]] = list(problems or [])
        super().__init__()

    def add(self, field: str | None, message: str) -> None:
        self.items.append((field, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise self

    @property
    def messages(self) -> list[str]:
        return [message for _, message in self.items]

    def by_field(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for field, message in self.items:
            found.setdefault(field or "", []).append(message)
        return found

    def as_json(self) -> dict:
        """The platform's 422 body: a message, every problem, and the problems by field."""
        return {"error": "invalid_input", "message": "; ".join(self.messages), "problems": self.messages,
                "fields": {k: v for k, v in self.by_field().items() if k}}

    def __str__(self) -> str:
        return "; ".join(self.messages)


class ToolForm(FlaskForm):
    """A page form of a tool: CSRF on, values kept, every error beside its field.

    ``absorb`` takes the service's :class:`InputProblems` onto the fields; problems of no field
    (or of a field the form does not show) go to ``form_errors`` and appear in the summary only.
    """

    def absorb(self, problems: InputProblems) -> None:
        for name, message in problems.items:
            target = self._fields.get(name) if name else None
            if target is None:
                self.form_errors.append(message)
            else:
                if not isinstance(target.errors, list):
                    target.errors = list(target.errors)
                target.errors.append(message)

    def problems(self) -> InputProblems:
        """The form's own errors (coercion, CSRF, absorbed ones) as :class:`InputProblems`.

        A view that serves a page and a JSON body from one form answers the API with
        ``problems.as_json()`` and so says the same words as the page."""
        found = InputProblems([(None, message) for message in self.form_errors])
        for field in self:
            for message in field.errors if isinstance(field.errors, list) else []:
                found.add(field.name, message)
        return found

    def all_errors(self) -> list[tuple[str | None, str, str]]:
        """(field id or None, field label, message) of every error, in the form's order."""
        found = [(None, "", message) for message in self.form_errors]
        for field in self:
            for message in field.errors if isinstance(field.errors, list) else []:
                found.append((field.id, field.label.text, message))
        return found


class MultiCheckboxField(SelectMultipleField):
    """Several choices ticked from a list: a checkbox per choice, rendered as a fieldset.

    The kit's ``field`` macro draws it (and ``RadioField``) as a ``<fieldset>`` whose legend is the
    label, so a screen reader names the group."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
