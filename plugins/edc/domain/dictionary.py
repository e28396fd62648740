"""REDCap data dictionary CSV in and out (the writer is ``dictionary_write``).

``read_dictionary`` builds one MetaDataVersion from a dictionary:

- one event ``SE.event_1`` (Scheduled, not repeating) holding every form in the dictionary's order;
- a form per REDCap instrument: FormDef ``F.<form>`` with one non-repeating ItemGroupDef
  ``IG.<form>``; an item ``IT.<variable>`` per field; a code list ``CL.<variable>`` per coded field
  (dropdown, radio, checkbox, yesno, truefalse); a MethodDef ``MT.<variable>`` per calc field;
  a ConditionDef ``CD.<variable>`` per field with branching logic.
- Branching: REDCap says when a field is SHOWN, ODM's ItemRef points at the condition under which
  it is NOT collected. The ConditionDef's expression is ``not (<REDCap logic>)`` (context
  "REDCap"); ``show_if(condition)`` gives the REDCap text back.
- Checkbox fields are one item (control "checkbox", data type text) whose value is the ticked
  codes; descriptive fields are items with control "descriptive" (no value is captured).
- Min/max become Soft RangeChecks (GE, LE): REDCap only warns when a value is out of range.
- Section header, field note and identifier go to ItemDef fields; required to ItemRef.mandatory;
  custom alignment, question number, matrix group/ranking and annotation to REDCap aliases.

Every problem is collected, each naming its data row (1-based, after the header) and variable;
then ``DictionaryError`` is raised with them all.
"""
from __future__ import annotations

import csv
import io

from . import dictionary_columns as dc
from .dictionary_columns import show_if
from .dictionary_write import derived_validation, write_dictionary
from .metadata import (
    CodeList,
    CodeListItem,
    FormDef,
    FormRef,
    ItemDef,
    ItemGroupDef,
    ItemGroupRef,
    ItemRef,
    MetaDataVersion,
    MethodDef,
    RangeCheck,
    StudyEventDef,
    StudyEventRef,
    TranslatedText,
)

__all__ = ["DictionaryError", "EVENT_OID", "read_dictionary", "show_if", "write_dictionary"]

EVENT_OID = "SE.event_1"


class DictionaryError(ValueError):
    """A data dictionary that cannot be read; ``problems`` lists every reason, row by row."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("the data dictionary was refused:\n" + "\n".join(self.problems))


def read_dictionary(data: str | bytes, *, study_oid: str | None = None, version_oid: str = "MDV.1",
                    version_name: str = "REDCap data dictionary") -> MetaDataVersion:
    """A MetaDataVersion from a REDCap data dictionary CSV (text, or UTF-8 bytes).

    ``study_oid`` is accepted for symmetry with the ODM reader; a MetaDataVersion does not hold
    it (the caller puts the version into its StudyDefinition). Raises ``DictionaryError``.
    """
    rows = _rows(data)
    problems: list[str] = []
    built = _Build()
    seen_forms: list[str] = []
    variables: set[str] = set()
    for number, row in rows:
        var = row["field_name"].strip()
        where = f"row {number} ({var or 'no variable name'})"
        row_problems = _name_problems(var, variables) + _form_problems(row, seen_forms)
        if number == rows[0][0]:
            row_problems += _record_id_problems(row)
        if not row_problems:
            row_problems = built.add(row)
        problems += [f"{where}: {p}" for p in row_problems]
        variables.add(var)
    if not rows:
        problems.append("the dictionary has no fields; the first row must be the record ID field")
    if problems:
        raise DictionaryError(problems)
    return built.version(version_oid, version_name)


def _rows(data: str | bytes) -> list[tuple[int, dict[str, str]]]:
    """The data rows (skipping blank ones) with their 1-based numbers after the header."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DictionaryError(["the file is not UTF-8 text: save it as 'CSV UTF-8'"]) from None
    table = list(csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline="")))
    if not table or not any(cell.strip() for cell in table[0]):
        raise DictionaryError(["the file is empty: a REDCap data dictionary starts with its header"])
    header = [cell.strip().lower() for cell in table[0]]
    while len(header) > len(dc.HEADERS) and not header[-1]:
        header.pop()
    for expected in (dc.HEADERS, dc.API_HEADERS):
        if header == [h.lower() for h in expected]:
            break
    else:
        raise DictionaryError([_header_problem(table[0])])
    rows, problems = [], []
    for number, cells in enumerate(table[1:], start=1):
        if not any(cell.strip() for cell in cells):
            continue
        extra = cells[len(dc.HEADERS):]
        if len(cells) < len(dc.HEADERS) or any(cell.strip() for cell in extra):
            problems.append(f"row {number}: has {len(cells)} columns; a dictionary has "
                            f"{len(dc.HEADERS)}")
        rows.append((number, dict(zip(dc.COLUMNS, cells + [""] * (len(dc.HEADERS) - len(cells))))))
    if problems:
        raise DictionaryError(problems)
    return rows


def _header_problem(header: list[str]) -> str:
    for n, (expected, got) in enumerate(zip(dc.HEADERS, [h.strip() for h in header]), start=1):
        if got.lower() not in (expected.lower(), dc.API_HEADERS[n - 1]):
            return (f"the header is not a REDCap data dictionary's: column {n} should be "
                    f"'{expected}' but is '{got}'")
    return f"the header has {len(header)} columns; a REDCap data dictionary has {len(dc.HEADERS)}"


def _name_problems(var: str, seen: set[str]) -> list[str]:
    if not var:
        return ["the variable name is missing"]
    if not dc.NAME.match(var):
        return ["a variable name holds lower-case letters, digits and '_' and starts with a letter"]
    if len(var) > dc.MAX_NAME:
        return [f"the variable name is longer than {dc.MAX_NAME} characters"]
    if "___" in var:
        return ["a variable name may not hold '___' (checkbox columns are exported as var___code)"]
    return [f"variable '{var}' is already used above"] if var in seen else []


def _form_problems(row: dict[str, str], seen: list[str]) -> list[str]:
    form = row["form_name"].strip()
    if not form:
        return ["the form name is missing"]
    if not dc.NAME.match(form):
        return [f"form name '{form}' should hold lower-case letters, digits and '_' only"]
    if seen and seen[-1] == form:
        return []
    if form in seen:
        return [f"form '{form}' appears again after '{seen[-1]}'; keep a form's fields together"]
    seen.append(form)
    return []


def _record_id_problems(row: dict[str, str]) -> list[str]:
    if (row["field_type"].strip().lower() == "text" and not row["branching_logic"].strip()
            and not row["text_validation_type_or_show_slider_number"].strip()):
        return []
    return ["the first field must be the record ID: a text field without validation or "
            "branching logic"]


class _Build:
    """Collects the definitions row by row."""

    def __init__(self):
        self.forms: dict[str, list[ItemRef]] = {}
        self.items, self.codelists, self.conditions, self.methods = [], [], [], []

    def add(self, row: dict[str, str]) -> list[str]:
        var, form = row["field_name"].strip(), row["form_name"].strip()
        ftype = row["field_type"].strip().lower()
        if ftype in dc.UNSUPPORTED:
            return [f"field type '{ftype}' is not supported by edc; remove the field or change "
                    "its type"]
        if ftype not in dc.FIELD_TYPES:
            return [f"unknown field type '{ftype}'; use one of {', '.join(dc.FIELD_TYPES)}"]
        control, data_type = dc.FIELD_TYPES[ftype]
        problems: list[str] = []
        flags = {c: _flag(row[c], c.replace("_", " "), problems)
                 for c in ("identifier", "required_field", "matrix_ranking")}
        if row["custom_alignment"].strip() not in dc.ALIGNMENTS:
            problems.append(f"custom alignment '{row['custom_alignment']}' should be one of "
                            f"{', '.join(dc.ALIGNMENTS[1:])} or empty")
        choices_text = row["select_choices_or_calculations"]
        codelist_oid = method_oid = None
        type_alias = "truefalse" if ftype == "truefalse" else ""
        if ftype in dc.CODED:
            choices, bad = dc.parse_choices(choices_text) if choices_text.strip() else ([], [])
            problems += bad or ([] if choices else [f"a {ftype} field needs choices like "
                                                    "'1, Male | 2, Female'"])
            if data_type is None:
                data_type = "integer" if all(dc.INTEGER.match(c) for c, _ in choices) else "text"
            codelist_oid = self._codelist(var, choices, "text" if ftype == "checkbox" else data_type)
        elif ftype in dc.FIXED_CHOICES:
            codelist_oid = self._codelist(var, dc.FIXED_CHOICES[ftype], "integer")
        if ftype == "calc":
            if not choices_text.strip():
                problems.append("a calc field needs its calculation in the Choices column")
            method_oid = f"MT.{var}"
            self.methods.append(MethodDef(oid=method_oid, name=var, expression=choices_text,
                                          description=TranslatedText.of(f"Calculates {var}")))
        elif ftype not in dc.CODED and choices_text.strip():
            problems.append(f"a {ftype} field has no choices or calculation; empty that column")
        validation = row["text_validation_type_or_show_slider_number"].strip()
        digits = pattern = None
        checks: tuple[RangeCheck, ...] = ()
        if validation:
            if ftype != "text":
                problems.append("validation applies to text fields only")
            elif validation not in dc.VALIDATIONS:
                problems.append(f"unknown validation type '{validation}'; use one of "
                                f"{', '.join(dc.VALIDATIONS)}")
            else:
                data_type, digits, pattern, kind = dc.VALIDATIONS[validation]
                checks = _range_checks(row, kind, problems)
        elif row["text_validation_min"].strip() or row["text_validation_max"].strip():
            problems.append("min/max need a validation type (integer, number, date...)")
        logic = row["branching_logic"]
        condition_oid = f"CD.{var}" if logic.strip() else None
        if condition_oid:
            self.conditions.append(dc.hide_condition(condition_oid, var, logic))
        if problems:
            return problems
        item = ItemDef(
            oid=f"IT.{var}", name=var, variable=var, data_type=data_type, control=control,
            question=TranslatedText.of(row["field_label"]), significant_digits=digits,
            codelist_oid=codelist_oid, range_checks=checks, pattern=pattern,
            note=row["field_note"], section_header=row["section_header"],
            identifier=flags["identifier"],
            aliases=dc.aliases([(dc.ALIAS_FIELD_TYPE, type_alias)] + _validation_alias(
                validation, data_type, digits) + [(dc.ALIAS_COLUMNS[c], row[c].strip())
                                                  for c in dc.ALIAS_COLUMNS]))
        self.items.append(item)
        refs = self.forms.setdefault(form, [])
        refs.append(ItemRef(item_oid=item.oid, mandatory=flags["required_field"],
                            order=len(refs) + 1, method_oid=method_oid,
                            collection_exception_oid=condition_oid))
        return []

    def _codelist(self, var: str, choices, data_type: str) -> str:
        oid = f"CL.{var}"
        self.codelists.append(CodeList(
            oid=oid, name=var, data_type=data_type,
            items=tuple(CodeListItem(coded_value=code, decode=TranslatedText.of(label), order=n)
                        for n, (code, label) in enumerate(choices, start=1))))
        return oid

    def version(self, oid: str, name: str) -> MetaDataVersion:
        forms, groups = [], []
        for form, refs in self.forms.items():
            groups.append(ItemGroupDef(oid=f"IG.{form}", name=form, item_refs=tuple(refs)))
            forms.append(FormDef(oid=f"F.{form}", name=form, item_group_refs=(
                ItemGroupRef(item_group_oid=f"IG.{form}", mandatory=True, order=1),)))
        event = StudyEventDef(oid=EVENT_OID, name="event_1", form_refs=tuple(
            FormRef(form_oid=f.oid, mandatory=False, order=n) for n, f in enumerate(forms, 1)))
        return MetaDataVersion(
            oid=oid, name=name, protocol=(StudyEventRef(EVENT_OID, mandatory=True, order=1),),
            events=(event,), forms=tuple(forms), item_groups=tuple(groups),
            items=tuple(self.items), codelists=tuple(self.codelists),
            conditions=tuple(self.conditions), methods=tuple(self.methods))


def _flag(value: str, column: str, problems: list[str]) -> bool:
    value = value.strip().lower()
    if value not in ("", "y", "n"):
        problems.append(f"{column} should be 'y' or empty, not '{value}'")
    return value == "y"


def _range_checks(row: dict[str, str], kind: str | None, problems: list[str]):
    low, high = row["text_validation_min"].strip(), row["text_validation_max"].strip()
    if (low or high) and kind is None:
        problems.append("min/max apply to number, integer, date, datetime and time validations only")
        return ()
    bad = [f"{name} {p}" for name, v in (("min", low), ("max", high)) if v
           for p in [dc.bound_problem(kind, v)] if p]
    problems += bad
    if bad or not (low or high):
        return ()
    if low and high and "today" not in (low, high) and "now" not in (low, high):
        if dc.parse_bound(kind, low) > dc.parse_bound(kind, high):
            problems.append(f"min {low} is above max {high}")
    return tuple(RangeCheck(comparator=c, values=(v,), soft_hard="Soft")
                 for c, v in (("GE", low), ("LE", high)) if v)


def _validation_alias(validation: str, data_type: str, digits: int | None) -> list[tuple[str, str]]:
    """The validation type as an alias when the model alone would write another one back."""
    if validation and validation != derived_validation(data_type, digits, dc.VALIDATIONS[
            validation][2]):
        return [(dc.ALIAS_VALIDATION, validation)]
    return []
