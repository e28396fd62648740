"""Clinical data as ODM 1.3.2 carries it: subjects -> study events -> forms -> item groups ->
items, each level with an optional transaction type and audit records. The ODM reader produces
it, the importer stores it, the exporter writes it from the stored rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TRANSACTION_TYPES = ("Insert", "Update", "Remove", "Upsert", "Context")


@dataclass(frozen=True)
class AuditRecord:
    """Who changed a value, when, where and why (ODM ``AuditRecord``)."""

    user_oid: str
    location_oid: str
    at: datetime
    reason: str = ""
    source_id: str = ""
    edit_point: str | None = None   # Monitoring, DataManagement, DBAudit
    used_imputation: bool | None = None


@dataclass(frozen=True)
class Signature:
    user_oid: str
    location_oid: str
    signature_oid: str
    at: datetime


@dataclass(frozen=True)
class ItemData:
    item_oid: str
    value: str | None = None
    #: ODM IsNull="Yes": the item is known to have no value; ``null_flavour`` says why (NULL_FLAVOURS)
    is_null: bool = False
    null_flavour: str | None = None
    transaction_type: str | None = None
    unit_oid: str | None = None
    audit: AuditRecord | None = None


@dataclass(frozen=True)
class ItemGroupData:
    item_group_oid: str
    repeat_key: str | None = None
    items: tuple[ItemData, ...] = ()
    transaction_type: str | None = None
    audit: AuditRecord | None = None


@dataclass(frozen=True)
class FormData:
    form_oid: str
    repeat_key: str | None = None
    groups: tuple[ItemGroupData, ...] = ()
    transaction_type: str | None = None
    audit: AuditRecord | None = None
    signature: Signature | None = None


@dataclass(frozen=True)
class StudyEventData:
    study_event_oid: str
    repeat_key: str | None = None
    forms: tuple[FormData, ...] = ()
    transaction_type: str | None = None
    audit: AuditRecord | None = None


@dataclass(frozen=True)
class SubjectData:
    subject_key: str
    #: the site (ODM SiteRef / LocationRef LocationOID)
    site_oid: str | None = None
    events: tuple[StudyEventData, ...] = ()
    transaction_type: str | None = None
    audit: AuditRecord | None = None


@dataclass(frozen=True)
class ClinicalData:
    study_oid: str
    metadata_version_oid: str
    subjects: tuple[SubjectData, ...] = ()


@dataclass(frozen=True)
class User:
    oid: str
    full_name: str = ""
    first_name: str = ""
    last_name: str = ""
    location_oids: tuple[str, ...] = ()
    #: ODM attributes the model does not name (UserType), kept for the ODM writer; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Location:
    oid: str
    name: str
    type: str = "Site"              # Sponsor, Site, CRO, Lab, Other
    metadata_version_oid: str | None = None
    #: ODM attributes the model does not name (the MetaDataVersionRef's StudyOID, EffectiveDate), kept for the ODM writer; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class AdminData:
    users: tuple[User, ...] = ()
    locations: tuple[Location, ...] = ()
    #: (OID, Methodology, Meaning, LegalReason)
    signature_defs: tuple[tuple[str, str, str, str], ...] = ()
    #: ODM attributes the model does not name (StudyOID), kept for the ODM writer; not compared
    extra: dict = field(default_factory=dict, compare=False, hash=False)
