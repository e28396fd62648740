"""The page forms of site_select (the kit's WTForms base, :mod:`sdk.forms`).

Fields only: the rules live in the services (``services/sites.py``, ``specs.py``, ``history.py``,
``presets.py``, ``shortlists.py``, ``imports.py``), which the JSON API calls too, so a page and a
program get the same messages. Numbers and dates are text fields the services judge (a field's
own coercion would say other words than the API), and a form that posts to more than one button
is ``novalidate`` with nothing ``required``: the server checks what each button needs.
"""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput, NumberInput

from sdk.forms import ToolForm

from .domain import AACT_FILES, PHASES, WEIGHT_NAMES, country_name, therapeutic_areas


def _words(value: str) -> str:
    return value.replace("_", " ")


def area_choices(first: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", first)] if first else []
    return head + [SelectChoice(area, _words(area)) for area in therapeutic_areas()]


def phase_choices(first: str) -> list[SelectChoice]:
    return [SelectChoice("", first)] + [SelectChoice(phase, phase) for phase in PHASES]


def _text(label: str, maxlength: int | None = None, **render_kw) -> StringField:
    return StringField(label, render_kw={**({"maxlength": maxlength} if maxlength else {}), **render_kw})


def _whole(label: str, minimum: int = 0) -> StringField:
    return StringField(label, widget=NumberInput(step="1", min=minimum))


def _date(label: str) -> StringField:
    return StringField(label, widget=DateInput())


def _decimal(label: str) -> StringField:
    return StringField(label, render_kw={"inputmode": "decimal"})


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


class RankForm(ToolForm):
    """The trial spec, the weights and a preset name: "Rank sites" needs the spec and weights,
    "Save weights as preset" only the weights and the name (``views/ranking.py`` checks each)."""

    therapeutic_area = SelectField("Therapeutic area", validate_choice=False)
    condition = _text("Condition", 200)
    phase = SelectField("Phase", validate_choice=False)
    target_enrollment = _whole("Target enrollment (subjects)", 1)
    start_date = _date("Start (first site selected)")
    target_lsi = _date("Target last subject in")
    shortlist_size = _whole("Shortlist size", 1)
    countries = _text("Countries", placeholder="DE, FR, ES")
    center_lat = _decimal("Center latitude")
    center_lon = _decimal("Center longitude")
    radius_km = _decimal("Radius around the center (km)")
    exclude_site_ids = _text("Exclude site ids")
    preset_name = _text("Save these weights as preset", 100, placeholder="e.g. Fast start-up")

    SPEC_FIELDS = ("therapeutic_area", "condition", "phase", "target_enrollment", "start_date", "target_lsi",
                   "shortlist_size", "countries", "center_lat", "center_lon", "radius_km", "exclude_site_ids")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapeutic_area.choices = area_choices()
        self.phase.choices = phase_choices("Any phase")

    def trial_fields(self):
        return [self[name] for name in self.SPEC_FIELDS]

    def weight_fields(self):
        return [self[f"weight_{name}"] for name in WEIGHT_NAMES]


for _name in WEIGHT_NAMES:
    setattr(RankForm, f"weight_{_name}",
            StringField(_words(_name).capitalize(), widget=NumberInput(step="0.01", min=0)))


class PresetChoiceForm(ToolForm):
    """Loading a preset's weights into the rank form: a GET, so no CSRF token."""

    class Meta:
        csrf = False

    preset = SelectField("Weight preset", validate_choice=False)

    def __init__(self, presets, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preset.choices = [SelectChoice(str(p.id), p.name) for p in presets]


class HistoryForm(ToolForm):
    """A site's part in one trial, entered by hand (``services/history.py`` judges it)."""

    trial_ref = _text("Trial reference (protocol number or NCT id)", 64)
    trial_title = _text("Trial title", 300)
    phase = SelectField("Phase", validate_choice=False)
    therapeutic_area = SelectField("Therapeutic area", validate_choice=False)
    condition = _text("Condition", 200)
    selected_on = _date("Selected on")
    activated_on = _date("Activated on")
    first_subject_in = _date("First subject in")
    last_subject_in = _date("Last subject in")
    screened = _whole("Screened")
    enrolled = _whole("Enrolled")
    target = _whole("Target")
    deviations = _whole("Protocol deviations")
    queries_per_100 = StringField("Queries per 100 data points", widget=NumberInput(step="0.01", min=0))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = phase_choices("Unknown")
        self.therapeutic_area.choices = area_choices("Derive from the condition")


class ImportForm(ToolForm):
    files = MultipleFileField(f"Files ({', '.join(AACT_FILES)})", render_kw={"accept": ".txt,.csv"})


class ShortlistForm(ToolForm):
    """Saving the sites ticked on the results page (the ticks are the table's ``site_ids``)."""

    spec_json = HiddenField()
    name = _text("Shortlist name", 200)
    trial_ref = _text("Trial reference (protocol number)", 64)
    title = _text("Trial title", 300)


class DirectoryFilters(ToolForm):
    """The site directory's filters: a GET (bookmarkable), so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Search", render_kw={"maxlength": 100, "placeholder": "name, city, investigator"})
    country = SelectField("Country", validate_choice=False)
    area = SelectField("Therapeutic area", validate_choice=False)
    network = SelectField("Network", validate_choice=False)

    def __init__(self, facets: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", "All countries")] + [
            SelectChoice(code, f"{_country(code)} ({code})") for code in facets["countries"]]
        self.area.choices = area_choices("All areas")
        self.network.choices = [SelectChoice("", "All networks")] + [
            SelectChoice(network, network) for network in facets["networks"]]


def _country(code: str) -> str:
    try:
        return country_name(code)
    except ValueError:
        return code
