"""A study's definition, as one metadata version of CDISC ODM 1.3.2 describes it.

Events -> forms -> item groups -> items, with code lists, measurement units, range checks,
conditions (branching) and methods (calculations). Every other part of edc reads and writes
this one model: the ODM reader and writer, the REDCap data dictionary, the form renderer, the
edit checks and the data quality rules. Objects are immutable; a definition is changed by
building a new metadata version, so captured data keeps the version it was entered under.

Expressions (branching logic, calculations, custom rules) are kept as text in the REDCap syntax
subset (``[weight]*10000/([height]*[height])``) and parsed by ``domain.expressions``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: ODM 1.3.2 data types edc captures (ODM's others are read as text).
DATA_TYPES = ("text", "integer", "float", "date", "partialDate", "datetime", "time", "boolean")
#: How an item is entered: a coded item is "radio", "dropdown" or "checkbox" (several codes at once).
#: "descriptive" shows its question text only and captures no value (REDCap's descriptive field).
CONTROLS = ("input", "textarea", "radio", "dropdown", "checkbox", "calc", "yesno", "descriptive")
COMPARATORS = ("LT", "LE", "GT", "GE", "EQ", "NE", "IN", "NOTIN")
EVENT_TYPES = ("Scheduled", "Unscheduled", "Common")
#: Null flavours a site may record instead of a value (after ODM's IsNull and LibreClinica's list).
NULL_FLAVOURS = {"NASK": "Not asked", "NA": "Not applicable", "UNK": "Unknown", "ND": "Not done"}


@dataclass(frozen=True)
class TranslatedText:
    """Text in one or more languages (ODM ``TranslatedText``); ``text`` is the first."""

    texts: tuple[tuple[str | None, str], ...] = ()  # (xml:lang or None, text)

    @property
    def text(self) -> str:
        return self.texts[0][1] if self.texts else ""

    @classmethod
    def of(cls, text: str | None, lang: str | None = None) -> "TranslatedText":
        return cls(((lang, text),)) if text else cls()


@dataclass(frozen=True)
class Alias:
    context: str
    name: str


@dataclass(frozen=True)
class CodeListItem:
    coded_value: str
    decode: TranslatedText = TranslatedText()
    order: int | None = None
    aliases: tuple[Alias, ...] = ()


@dataclass(frozen=True)
class CodeList:
    oid: str
    name: str
    data_type: str = "text"          # text, integer, float (the codes' type)
    items: tuple[CodeListItem, ...] = ()
    #: ODM EnumeratedItem: codes without decodes
    enumerated: bool = False
    aliases: tuple[Alias, ...] = ()
    #: ODM attributes the model does not name (Origin, Comment, the ODM DataType when it is not
    #: one of DATA_TYPES...), kept so the ODM writer can give them back; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def decode(self, code: str) -> str | None:
        for item in self.items:
            if item.coded_value == code:
                return item.decode.text or item.coded_value
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.coded_value for item in self.items)


@dataclass(frozen=True)
class MeasurementUnit:
    oid: str
    name: str
    symbol: TranslatedText = TranslatedText()


@dataclass(frozen=True)
class RangeCheck:
    """A check on an item's value: hard checks refuse the value, soft checks raise a query."""

    comparator: str                  # one of COMPARATORS
    values: tuple[str, ...]
    soft_hard: str = "Soft"          # "Soft" | "Hard"
    message: TranslatedText = TranslatedText()


@dataclass(frozen=True)
class ItemDef:
    oid: str
    name: str
    data_type: str = "text"
    #: the name expressions use: ``[weight]`` (the REDCap variable; for ODM files without one,
    #: the SAS field name or the OID's last part)
    variable: str = ""
    question: TranslatedText = TranslatedText()
    description: TranslatedText = TranslatedText()
    length: int | None = None
    significant_digits: int | None = None
    codelist_oid: str | None = None
    unit_oids: tuple[str, ...] = ()
    range_checks: tuple[RangeCheck, ...] = ()
    #: a regular expression the text must match (REDCap's custom validation)
    pattern: str | None = None
    control: str = "input"
    #: a REDCap-syntax field note shown under the input
    note: str = ""
    section_header: str = ""
    identifier: bool = False         # holds personal data (REDCap "Identifier?")
    sas_field_name: str | None = None
    sds_var_name: str | None = None
    aliases: tuple[Alias, ...] = ()
    #: ODM attributes the model does not name (Origin, Comment, the ODM DataType when it is not
    #: one of DATA_TYPES...), kept so the ODM writer can give them back; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ItemRef:
    item_oid: str
    mandatory: bool = False
    order: int | None = None
    key_sequence: int | None = None
    #: a calculation: the MethodDef that computes this item
    method_oid: str | None = None
    #: branching: the ConditionDef under which the item is NOT collected (ODM's sense)
    collection_exception_oid: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class ItemGroupDef:
    oid: str
    name: str
    repeating: bool = False
    item_refs: tuple[ItemRef, ...] = ()
    description: TranslatedText = TranslatedText()
    domain: str | None = None
    sas_dataset_name: str | None = None
    aliases: tuple[Alias, ...] = ()
    #: ODM attributes the model does not name (Origin, Comment, the ODM DataType when it is not
    #: one of DATA_TYPES...), kept so the ODM writer can give them back; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ItemGroupRef:
    item_group_oid: str
    mandatory: bool = False
    order: int | None = None


@dataclass(frozen=True)
class FormDef:
    oid: str
    name: str
    repeating: bool = False
    item_group_refs: tuple[ItemGroupRef, ...] = ()
    description: TranslatedText = TranslatedText()
    aliases: tuple[Alias, ...] = ()
    #: ODM attributes the model does not name (Origin, Comment, the ODM DataType when it is not
    #: one of DATA_TYPES...), kept so the ODM writer can give them back; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class FormRef:
    form_oid: str
    mandatory: bool = False
    order: int | None = None


@dataclass(frozen=True)
class StudyEventDef:
    oid: str
    name: str
    repeating: bool = False
    type: str = "Scheduled"
    form_refs: tuple[FormRef, ...] = ()
    category: str | None = None
    description: TranslatedText = TranslatedText()
    aliases: tuple[Alias, ...] = ()
    #: ODM attributes the model does not name (Origin, Comment, the ODM DataType when it is not
    #: one of DATA_TYPES...), kept so the ODM writer can give them back; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class StudyEventRef:
    study_event_oid: str
    mandatory: bool = False
    order: int | None = None


@dataclass(frozen=True)
class ConditionDef:
    """A condition in the REDCap syntax; on an ItemRef it is the collection exception: the item
    is not collected (hidden) while it holds."""

    oid: str
    name: str
    expression: str
    description: TranslatedText = TranslatedText()
    #: the FormalExpression's Context as read (kept to write it back unchanged)
    context: str = "REDCap"


@dataclass(frozen=True)
class MethodDef:
    """A calculation (Type Computation) in the REDCap syntax."""

    oid: str
    name: str
    expression: str
    type: str = "Computation"
    description: TranslatedText = TranslatedText()
    context: str = "REDCap"


@dataclass(frozen=True)
class MetaDataVersion:
    oid: str
    name: str
    description: str = ""
    protocol: tuple[StudyEventRef, ...] = ()
    events: tuple[StudyEventDef, ...] = ()
    forms: tuple[FormDef, ...] = ()
    item_groups: tuple[ItemGroupDef, ...] = ()
    items: tuple[ItemDef, ...] = ()
    codelists: tuple[CodeList, ...] = ()
    conditions: tuple[ConditionDef, ...] = ()
    methods: tuple[MethodDef, ...] = ()
    #: MeasurementUnits live in ODM's BasicDefinitions; kept with the version that uses them
    units: tuple[MeasurementUnit, ...] = ()

    # -- lookups by OID (built on first use; the object is immutable) --------------------------
    def event(self, oid: str) -> StudyEventDef | None:
        return _index(self, "events").get(oid)

    def form(self, oid: str) -> FormDef | None:
        return _index(self, "forms").get(oid)

    def item_group(self, oid: str) -> ItemGroupDef | None:
        return _index(self, "item_groups").get(oid)

    def item(self, oid: str) -> ItemDef | None:
        return _index(self, "items").get(oid)

    def codelist(self, oid: str | None) -> CodeList | None:
        return _index(self, "codelists").get(oid) if oid else None

    def condition(self, oid: str | None) -> ConditionDef | None:
        return _index(self, "conditions").get(oid) if oid else None

    def method(self, oid: str | None) -> MethodDef | None:
        return _index(self, "methods").get(oid) if oid else None

    def unit(self, oid: str) -> MeasurementUnit | None:
        return _index(self, "units").get(oid)

    def item_by_variable(self, variable: str) -> ItemDef | None:
        return {i.variable: i for i in self.items if i.variable}.get(variable)


@dataclass(frozen=True)
class StudyDefinition:
    """A study as an ODM file's ``Study`` element describes it, with its metadata versions."""

    oid: str
    name: str
    description: str = ""
    protocol_name: str = ""
    versions: tuple[MetaDataVersion, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def version(self, oid: str) -> MetaDataVersion | None:
        return next((v for v in self.versions if v.oid == oid), None)


def _index(mdv: MetaDataVersion, name: str) -> dict:
    cache = mdv.__dict__.setdefault("_indexes", {})
    if name not in cache:
        cache[name] = {obj.oid: obj for obj in getattr(mdv, name)}
    return cache[name]
