"""What ``read_odm`` returns: one ODM file's header, study definitions, admin and clinical data."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..clinical import AdminData, ClinicalData
from ..metadata import MetaDataVersion, StudyDefinition


@dataclass(frozen=True)
class OdmFile:
    file_oid: str
    file_type: str                       # Snapshot | Transactional
    creation_datetime: str               # as written in the file
    granularity: str | None = None
    originator: str | None = None
    source_system: str | None = None
    source_system_version: str | None = None
    as_of_datetime: str | None = None
    description: str | None = None
    odm_version: str = "1.3.2"
    #: each study's MeasurementUnits (ODM BasicDefinitions) are placed on every one of its versions
    studies: tuple[StudyDefinition, ...] = ()
    #: every AdminData of the file, merged (ODM allows one per study)
    admin_data: AdminData = AdminData()
    clinical_data: tuple[ClinicalData, ...] = ()
    #: duplicate OIDs and unresolved references found on reading (raised instead when strict)
    reference_problems: tuple[str, ...] = field(default=(), compare=False)
    #: elements the model does not keep (Annotation, ReferenceData, vendor elements...) with their
    #: counts, so an importer can say what writing the file back would leave out
    unmapped: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def study(self, oid: str) -> StudyDefinition | None:
        return next((s for s in self.studies if s.oid == oid), None)

    def version(self, study_oid: str, version_oid: str) -> MetaDataVersion | None:
        study = self.study(study_oid)
        return study.version(version_oid) if study else None
