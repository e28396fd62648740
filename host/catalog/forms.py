"""The marketplace's filter bar on the kit (:mod:`sdk.forms`): a GET form (no CSRF: it changes
nothing) whose values stay in the URL, so a filtered marketplace can be bookmarked."""
from __future__ import annotations

from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from sdk.forms import ToolForm
from sdk.manifest import CATEGORIES

MAX_QUERY = 200


class MarketplaceFilterForm(ToolForm):
    class Meta:
        csrf = False

    q = SearchField("Search", render_kw={"maxlength": MAX_QUERY, "placeholder": "name, publisher, feature"})
    category = SelectField("Category", validate_choice=False)

    @classmethod
    def for_request(cls, args) -> "MarketplaceFilterForm":
        """The filter as asked; an unknown category is named beside its field and ignored."""
        form = cls(formdata=args)
        form.category.choices = [SelectChoice("", "All categories")] + [
            SelectChoice(key, label) for key, label in CATEGORIES.items()]
        form.q.data = (form.q.data or "").strip()[:MAX_QUERY]
        form.category.data = (form.category.data or "").strip()
        if form.category.data and form.category.data not in CATEGORIES:
            form.category.errors = [f'There is no category "{form.category.data}"; showing every category.']
            form.category.data = ""
        return form
