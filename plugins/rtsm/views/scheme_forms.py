"""The page form of a randomization scheme (in a new study, and as a new version of a study's
scheme) and the simulation preview's form.

People type a scheme as text ("3, 6", "sex: F, M" one per line); ``scheme_input`` turns the
text into the dict the services and the JSON API share, and ``absorb_scheme_problems`` puts
each problem the service names by its path ("scheme.block_sizes", "scheme.factors.sex") beside
the field that holds it. The rules themselves live in ``domain.schemes``, once."""
from __future__ import annotations

import re

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from sdk.forms import InputProblems, ToolForm

from ..models import SCHEME_TYPES
from ..services.errors import RtsmInputError

#: the first part of a service's problem path -> the form field that holds it
SCHEME_FIELDS = {"scheme.type": "scheme_type", "scheme.block_sizes": "block_sizes", "scheme.strata": "strata",
                 "scheme.factors": "factors", "scheme.weights": "weights", "scheme.p": "p",
                 "scheme.imbalance": "scheme_type", "scheme.list_length": "scheme_type", "scheme": "scheme_type"}


def scheme_fields() -> dict:
    """The scheme's settings as new form fields, in page order (a form made with them lists its
    problems in the same order); blank fields are "not given"."""
    return {
        "scheme_type": SelectField("Scheme", choices=[SelectChoice(key, label) for key, label in SCHEME_TYPES.items()],
                                   default="stratified_block"),
        "block_sizes": StringField("Block sizes", render_kw={"maxlength": 60, "autocomplete": "off"}),
        "factors": TextAreaField("Factors", render_kw={"rows": 3}),
        "strata": StringField("Strata", render_kw={"maxlength": 200, "autocomplete": "off"}),
        "weights": TextAreaField("Factor weights", render_kw={"rows": 2}),
        "p": StringField("Probability of the preferred arm (p)", render_kw={"maxlength": 10, "inputmode": "decimal"}),
    }


#: a new version of the study's scheme (the arms stay those of the study)
SchemeVersionForm = type("SchemeVersionForm", (ToolForm,), scheme_fields())


class SimulationForm(ToolForm):
    """The simulation preview: a GET form, it changes nothing."""

    class Meta:
        csrf = False

    subjects = IntegerField("Subjects per trial", default=200, render_kw={"min": 1, "max": 10000})
    trials = IntegerField("Simulated trials", default=100, render_kw={"min": 1, "max": 500})


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", text or "") if part.strip()]


def _named_lines(text: str | None, field: str, what: str, problems: InputProblems) -> dict[str, str]:
    """``name: value`` lines as a dict; a line without ':' is a problem of ``field``."""
    found: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            problems.add(field, f"Line {number} of {what} must read 'name: …'; got {line.strip()!r}.")
            continue
        found[name.strip()] = value.strip()
    return found


def scheme_input(form: ToolForm, problems: InputProblems) -> dict:
    """The scheme as the service takes it: only the settings the person filled in (a setting
    given for a type it does not apply to is refused by the service, not silently dropped).
    Text that is not even a list or a "name: value" line is added to ``problems``."""
    scheme: dict = {"type": form.scheme_type.data or ""}
    if _split(form.block_sizes.data):
        scheme["block_sizes"] = _split(form.block_sizes.data)
    if _split(form.strata.data):
        scheme["strata"] = _split(form.strata.data)
    factors = _named_lines(form.factors.data, "factors", "the factors", problems)
    if factors:
        scheme["factors"] = {name: _split(levels) for name, levels in factors.items()}
    weights = _named_lines(form.weights.data, "weights", "the weights", problems)
    if weights:
        scheme["weights"] = weights
    if (form.p.data or "").strip():
        scheme["p"] = form.p.data.strip()
    return scheme


def field_of(path: str | None, fields: dict[str, str]) -> str | None:
    """The form field for a service's problem path: the longest known prefix wins
    ("scheme.factors.sex" -> "factors"); None sends the problem to the summary only."""
    if not path:
        return None
    for prefix in sorted(fields, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            return fields[prefix]
    return None


def absorb_mapped(form: ToolForm, problems: InputProblems, fields: dict[str, str]) -> None:
    """``form.absorb`` after renaming each problem's path to the form's field (a path that is
    already one of the form's fields stays)."""
    form.absorb(RtsmInputError([(path if path in form._fields else field_of(path, fields), message)
                                for path, message in problems.items]))


def with_form_problems(action, own: InputProblems):
    """``action`` (a service call) wrapped so that the text the form could not read (``own``)
    refuses the input too, listed first, beside the service's own problems: the person sees
    every problem at once, and nothing is written when there is any."""
    def run():
        try:
            result = action()
        except RtsmInputError as found:
            raise RtsmInputError(list(own.items) + [item for item in found.items if item not in own.items]) from None
        own.raise_if_any()
        return result
    return run
