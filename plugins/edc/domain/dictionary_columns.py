"""The REDCap data dictionary's columns and vocabularies, shared by its reader and writer.

A dictionary has 18 columns (``HEADERS``, REDCap's own header texts; the API's snake_case names in
``API_HEADERS`` are accepted too). What the study model has no field for is kept as an ``Alias``
on the ItemDef, with a ``REDCap:`` context (``ALIAS_*``), so a dictionary read then written comes
back identical.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time

from .metadata import Alias, ConditionDef, ItemDef, TranslatedText

HEADERS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?", "Custom Alignment",
    "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?", "Field Annotation",
)
API_HEADERS = (
    "field_name", "form_name", "section_header", "field_type", "field_label",
    "select_choices_or_calculations", "field_note", "text_validation_type_or_show_slider_number",
    "text_validation_min", "text_validation_max", "identifier", "branching_logic", "required_field",
    "custom_alignment", "question_number", "matrix_group_name", "matrix_ranking", "field_annotation",
)
#: short names of the columns, in order (the keys of a parsed row)
COLUMNS = API_HEADERS

#: REDCap field type -> (control, data type); file, slider and sql are refused (UNSUPPORTED)
FIELD_TYPES = {
    "text": ("input", "text"), "notes": ("textarea", "text"), "dropdown": ("dropdown", None),
    "radio": ("radio", None), "checkbox": ("checkbox", "text"), "yesno": ("yesno", "integer"),
    "truefalse": ("radio", "integer"), "calc": ("calc", "float"),
    "descriptive": ("descriptive", "text"),
}
UNSUPPORTED = ("file", "slider", "sql")
CODED = ("dropdown", "radio", "checkbox")
#: the fixed choices of yesno and truefalse fields (REDCap does not write them in the dictionary)
FIXED_CHOICES = {"yesno": (("1", "Yes"), ("0", "No")), "truefalse": (("1", "True"), ("0", "False"))}
ALIGNMENTS = ("", "RV", "RH", "LV", "LH")

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[ .-]?\d{4}$"
ZIPCODE = r"^\d{5}(-\d{4})?$"
ALPHA_ONLY = r"^[A-Za-z]+$"

#: REDCap validation type -> (data type, digits after the decimal point, pattern, bound kind)
VALIDATIONS: dict[str, tuple[str, int | None, str | None, str | None]] = {
    **{f"date_{f}": ("date", None, None, "date") for f in ("ymd", "mdy", "dmy")},
    **{f"datetime_{f}": ("datetime", None, None, "datetime") for f in ("ymd", "mdy", "dmy")},
    **{f"datetime_seconds_{f}": ("datetime", None, None, "datetime") for f in ("ymd", "mdy", "dmy")},
    "time": ("time", None, None, "time"),
    "integer": ("integer", None, None, "integer"),
    "number": ("float", None, None, "number"),
    **{f"number_{n}dp": ("float", n, None, "number") for n in range(1, 5)},
    "email": ("text", None, EMAIL, None), "phone": ("text", None, PHONE, None),
    "zipcode": ("text", None, ZIPCODE, None), "alpha_only": ("text", None, ALPHA_ONLY, None),
}

# Alias contexts for what the model has no field for.
ALIAS_FIELD_TYPE = "REDCap:field_type"       # only when the control and type do not say it
ALIAS_VALIDATION = "REDCap:validation"       # only when the data type does not say it (date_mdy)
ALIAS_ALIGNMENT = "REDCap:custom_alignment"
ALIAS_QUESTION_NUMBER = "REDCap:question_number"
ALIAS_MATRIX_GROUP = "REDCap:matrix_group_name"
ALIAS_MATRIX_RANKING = "REDCap:matrix_ranking"
ALIAS_ANNOTATION = "REDCap:field_annotation"
#: the column each plain alias comes from
ALIAS_COLUMNS = {
    "custom_alignment": ALIAS_ALIGNMENT, "question_number": ALIAS_QUESTION_NUMBER,
    "matrix_group_name": ALIAS_MATRIX_GROUP, "matrix_ranking": ALIAS_MATRIX_RANKING,
    "field_annotation": ALIAS_ANNOTATION,
}

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 100
CODE = re.compile(r"^-?[A-Za-z0-9_.]+$")
INTEGER = re.compile(r"^-?\d+$")
NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")

#: the prefix and suffix wrapped around REDCap's show-if logic to make ODM's collection exception
_HIDE_PREFIX, _HIDE_SUFFIX = "not (", ")"


def hide_condition(oid: str, name: str, show_logic: str) -> ConditionDef:
    """The ConditionDef for REDCap branching logic: the item is hidden when ``not (<logic>)``."""
    return ConditionDef(oid=oid, name=name, expression=f"{_HIDE_PREFIX}{show_logic}{_HIDE_SUFFIX}",
                        description=TranslatedText.of(f"Hides {name} unless its branching logic holds"),
                        context="REDCap")


def show_if(condition: ConditionDef | None) -> str:
    """REDCap's "Show field only if..." text for a collection-exception condition.

    The reader stores ``not (<logic>)``; this gives back ``<logic>`` exactly. Any other
    condition (an ODM file's own) is negated as ``not (<expression>)``.
    """
    if condition is None:
        return ""
    text = condition.expression
    if text.startswith(_HIDE_PREFIX) and text.endswith(_HIDE_SUFFIX):
        return text[len(_HIDE_PREFIX):-len(_HIDE_SUFFIX)]
    return f"{_HIDE_PREFIX}{text}{_HIDE_SUFFIX}"


def alias(item: ItemDef, context: str) -> str:
    return next((a.name for a in item.aliases if a.context == context), "")


def aliases(pairs: list[tuple[str, str]]) -> tuple[Alias, ...]:
    return tuple(Alias(context=c, name=n) for c, n in pairs if n)


def parse_choices(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """``"1, Male | 2, Female"`` -> ([("1", "Male"), ("2", "Female")], problems)."""
    choices, problems = [], []
    for n, part in enumerate(text.split("|"), start=1):
        code, sep, label = part.partition(",")
        code, label = code.strip(), label.strip()
        if not sep or not code or not label:
            problems.append(f"choice {n} '{part.strip()}' should be 'code, label'")
        elif not CODE.match(code):
            problems.append(f"choice code '{code}' may hold only letters, digits, '_', '.' and '-'")
        elif code in (c for c, _ in choices):
            problems.append(f"choice code '{code}' is used twice")
        else:
            choices.append((code, label))
    return choices, problems


def format_choices(choices) -> str:
    return " | ".join(f"{code}, {label}" for code, label in choices)


def bound_problem(kind: str, value: str) -> str | None:
    """Why ``value`` is not a valid Text Validation Min/Max for a validation of ``kind``."""
    if kind == "integer":
        return None if INTEGER.match(value) else f"'{value}' is not a whole number"
    if kind == "number":
        return None if NUMBER.match(value) else f"'{value}' is not a number"
    if value in ("today", "now"):
        return None
    try:
        parse_bound(kind, value)
    except ValueError:
        example = {"date": "2024-03-15", "datetime": "2024-03-15 14:30", "time": "14:30"}[kind]
        return f"'{value}' is not a {kind} like {example}"
    return None


def parse_bound(kind: str, value: str):
    """A min/max as a comparable value: Y-M-D dates, Y-M-D H:M[:S] datetimes, H:M[:S] times."""
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    if kind == "datetime":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", value):
            raise ValueError(value)
        return datetime.fromisoformat(value.replace(" ", "T"))
    if kind == "time":
        if not re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", value):
            raise ValueError(value)
        return time.fromisoformat(value)
    return float(value)


def csv_line(cells) -> str:
    """One CSV line quoted as REDCap (PHP ``fputcsv``) writes it: a cell is quoted when it holds a
    comma, quote, backslash, space, tab or line break."""
    out = []
    for cell in cells:
        if any(ch in cell for ch in ',"\\ \t\r\n'):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return ",".join(out) + "\n"
