"""The new-study form: name, protocol, up to six arms (blank rows ignored), the sites one per
line, the randomization scheme and randomization on EDC enrollment.

``study_input`` builds the dict ``services.studies.create_study`` takes (the JSON API's body);
``absorb_study_problems`` puts each of the service's problems beside its field: "arms[1].ratio"
is the ratio of the second arm *given*, which is the row it came from once blank rows are
skipped."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, StringField, TextAreaField

from sdk.forms import InputProblems, ToolForm

from .scheme_forms import SCHEME_FIELDS, absorb_mapped, scheme_fields, scheme_input

ARM_ROWS = 6
ARM_PARTS = ("code", "name", "ratio")


def _arm_fields() -> dict:
    fields = {}
    for row in range(1, ARM_ROWS + 1):
        fields[f"arm{row}_code"] = StringField(f"Arm {row} code", render_kw={"maxlength": 20, "autocomplete": "off"})
        fields[f"arm{row}_name"] = StringField(f"Arm {row} name", render_kw={"maxlength": 200})
        fields[f"arm{row}_ratio"] = StringField(f"Arm {row} ratio", render_kw={"maxlength": 3, "inputmode": "numeric"})
    return fields


class _StudyFormBase(ToolForm):
    def arm_rows(self) -> list[tuple]:
        """(code, name, ratio) fields of each row, for the template."""
        return [tuple(self[f"arm{row}_{part}"] for part in ARM_PARTS) for row in range(1, ARM_ROWS + 1)]


#: the fields in page order, so the error summary lists the problems from the top of the page
StudyForm = type("StudyForm", (_StudyFormBase,), {
    "name": StringField("Study name", render_kw={"maxlength": 200}),
    "protocol": StringField("Protocol", render_kw={"maxlength": 200}),
    **_arm_fields(),
    "sites": TextAreaField("Sites", render_kw={"rows": 3}),
    **scheme_fields(),
    "randomize_on_enrollment": BooleanField("Randomize subjects when EDC enrolls them"),
})


def _filled_arm_rows(form) -> list[int]:
    """The rows (1-based) with anything typed in them, in order."""
    return [row for row in range(1, ARM_ROWS + 1)
            if any((form[f"arm{row}_{part}"].data or "").strip() for part in ARM_PARTS)]


def site_entries(text: str | None) -> list[dict]:
    """``S01 Charité Berlin`` one per line -> [{"code": "S01", "name": "Charité Berlin"}]."""
    entries = []
    for line in (text or "").splitlines():
        code, _, name = line.strip().partition(" ")
        if code:
            entries.append({"code": code, "name": name.strip()})
    return entries


def study_input(form, problems: InputProblems) -> dict:
    """The new study as ``create_study`` takes it."""
    arms = [{"code": form[f"arm{row}_code"].data.strip(), "name": form[f"arm{row}_name"].data.strip(),
             "ratio": form[f"arm{row}_ratio"].data.strip()} for row in _filled_arm_rows(form)]
    return {"name": (form.name.data or "").strip(), "protocol": (form.protocol.data or "").strip(),
            "arms": arms, "sites": site_entries(form.sites.data),
            "randomize_on_enrollment": bool(form.randomize_on_enrollment.data),
            "scheme": scheme_input(form, problems)}


def _study_fields(form) -> dict[str, str]:
    fields = {"name": "name", "protocol": "protocol", "sites": "sites",
              "randomize_on_enrollment": "randomize_on_enrollment", "arms": "arm1_code", **SCHEME_FIELDS}
    for given, row in enumerate(_filled_arm_rows(form)):
        fields[f"arms[{given}]"] = f"arm{row}_code"
        for part in ARM_PARTS:
            fields[f"arms[{given}].{part}"] = f"arm{row}_{part}"
    return fields


def absorb_study_problems(form, problems: InputProblems) -> None:
    absorb_mapped(form, problems, _study_fields(form))


class SiteForm(ToolForm):
    """The site's name is ``site_name`` here: the settings form on the same page has ``name``."""

    code = StringField("Site number", render_kw={"maxlength": 40, "autocomplete": "off"})
    site_name = StringField("Site name", render_kw={"maxlength": 200})


class SettingsForm(ToolForm):
    name = StringField("Study name", render_kw={"maxlength": 200})
    protocol = StringField("Protocol", render_kw={"maxlength": 200})
    randomize_on_enrollment = BooleanField("Randomize subjects when EDC enrolls them")
    do_not_ship_days = IntegerField("Do-not-ship window (days)", render_kw={"min": 0, "max": 3650})
    do_not_dispense_days = IntegerField("Do-not-dispense window (days)", render_kw={"min": 0, "max": 3650})
