"""ODM 1.3.2 namespaces, the Trial Office extension names and the value sets checked on read.

The value sets are those of CDISC ODM 1.3.2 (as odmlib's ``valueset.py`` lists them)."""
from __future__ import annotations

from functools import lru_cache

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Trial Office's vendor extension: what ODM 1.3.2 cannot say about an item (how it is entered,
#: its REDCap variable name, ...), written as attributes in this namespace.
TO_NS = "https://trialoffice.example/odm/1"
TO_PREFIX = "to"
XML_LANG = f"{{{XML_NS}}}lang"

_ODM = f"{{{ODM_NS}}}"


@lru_cache(maxsize=4096)
def local(tag: str) -> str | None:
    """An ODM element's name without its namespace; None for another namespace's element.

    Documents without a namespace are accepted too (their elements are taken as ODM's). Cached:
    the reader asks it of every element, and a file has few distinct tags."""
    if tag.startswith(_ODM):
        return tag[len(_ODM):]
    return None if tag[:1] == "{" else tag


def to(name: str) -> str:
    """A Trial Office extension attribute as ElementTree reads it: ``{ns}name``."""
    return f"{{{TO_NS}}}{name}"


#: Extension attributes on ItemDef (model field -> attribute name)
TO_ITEM_ATTRS = {
    "variable": "Variable", "control": "Control", "pattern": "Pattern", "note": "Note",
    "section_header": "SectionHeader", "identifier": "Identifier",
}
#: Extension attribute on ItemData: why an item is null (metadata.NULL_FLAVOURS)
TO_NULL_FLAVOUR = "NullFlavour"

#: the ODM elements the reader maps to the model; others are counted in ``OdmFile.unmapped``
MAPPED = frozenset("""
ODM Study GlobalVariables StudyName StudyDescription ProtocolName BasicDefinitions MeasurementUnit
Symbol TranslatedText MetaDataVersion Protocol StudyEventRef StudyEventDef FormRef FormDef ItemGroupRef
ItemGroupDef ItemRef ItemDef Description Question MeasurementUnitRef RangeCheck CheckValue ErrorMessage
CodeListRef Alias CodeList CodeListItem Decode EnumeratedItem ConditionDef MethodDef FormalExpression
AdminData User FullName FirstName LastName LocationRef Location MetaDataVersionRef SignatureDef Meaning
LegalReason ClinicalData SubjectData SiteRef StudyEventData FormData ItemGroupData ItemData AuditRecord
UserRef DateTimeStamp ReasonForChange SourceID Signature SignatureRef""".split())

FILE_TYPES = ("Snapshot", "Transactional")
GRANULARITIES = ("All", "Metadata", "AdminData", "ReferenceData", "AllClinicalData", "SingleSite",
                 "SingleSubject")
ODM_VERSIONS = ("1.2", "1.2.1", "1.3", "1.3.1", "1.3.2")
DATA_TYPES = ("text", "integer", "float", "date", "time", "datetime", "string", "boolean", "double",
              "hexBinary", "base64Binary", "hexFloat", "base64Float", "partialDate", "partialTime",
              "partialDatetime", "durationDatetime", "intervalDatetime", "incompleteDatetime",
              "incompleteDate", "incompleteTime", "URI")
CODELIST_DATA_TYPES = ("integer", "float", "text", "string")
COMPARATORS = ("LT", "LE", "GT", "GE", "EQ", "NE", "IN", "NOTIN")
SOFT_HARD = ("Soft", "Hard")
YES_NO = ("Yes", "No")
EVENT_TYPES = ("Scheduled", "Unscheduled", "Common")
METHOD_TYPES = ("Computation", "Imputation", "Transpose", "Other")
TRANSACTION_TYPES = ("Insert", "Update", "Remove", "Upsert", "Context")
USER_TYPES = ("Sponsor", "Investigator", "Lab", "Other")
LOCATION_TYPES = ("Sponsor", "Site", "CRO", "Lab", "Other")
SIGNATURE_METHODS = ("Digital", "Electronic")
EDIT_POINTS = ("Monitoring", "DataManagement", "DBAudit")

#: ODM DataType -> the edc data type (metadata.DATA_TYPES); ODM's others are read as text and the
#: ODM type is kept in ``ItemDef.extra["DataType"]`` so it is written back unchanged.
EDC_DATA_TYPE = {
    "text": "text", "string": "text", "integer": "integer", "float": "float", "double": "float",
    "date": "date", "partialDate": "partialDate", "datetime": "datetime", "time": "time",
    "boolean": "boolean",
}


def edc_data_type(odm_type: str) -> str:
    return EDC_DATA_TYPE.get(odm_type, "text")
