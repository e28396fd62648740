"""The page forms of site_select (the kit's WTForms base, :mod:`sdk.forms`).

Fields only: the rules live in the services (``services/sites.py`` and ``services/history.py``),
which the JSON API calls too, so a page and a program get the same messages.
"""
from __future__ import annotations

from wtforms import StringField

from sdk.forms import ToolForm


class SiteForm(ToolForm):
    name = StringField("Name", render_kw={"maxlength": 300, "autocomplete": "organization"})
    country = StringField("Country", render_kw={"autocomplete": "country"})
    city = StringField("City", render_kw={"maxlength": 120})
    lat = StringField("Latitude", render_kw={"inputmode": "decimal"})
    lon = StringField("Longitude", render_kw={"inputmode": "decimal"})
    therapeutic_areas = StringField("Therapeutic areas", render_kw={"list": "area-list"})
    conditions = StringField("Conditions")
    network = StringField("Network or SMO", render_kw={"maxlength": 200})
    investigators = StringField("Investigators")
