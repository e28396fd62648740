"""A metadata version's definition: read from its stored ODM text (parsed once per content) and
written as ODM for a study.

The stored form of a definition is the ODM 1.3.2 document of the study with that one
MetaDataVersion, so what an export writes is what the version holds."""
from __future__ import annotations

from functools import lru_cache

from ..domain.metadata import MetaDataVersion, StudyDefinition
from ..domain.odm import read_odm, write_odm
from ..models import MetadataVersion, Study

#: the CreationDateTime of stored definitions: fixed, so equal definitions have equal text
STORED_AT = "2000-01-01T00:00:00+00:00"


def definition_text(study: Study, version: MetaDataVersion) -> str:
    """The ODM document storing ``version`` of ``study`` (metadata only)."""
    definition = StudyDefinition(study.oid, study.name, study.description, study.protocol_name, (version,))
    return write_odm(file_oid=f"{study.oid}.{version.oid}", creation_datetime=STORED_AT,
                     studies=(definition,), check=False).decode("utf-8")


@lru_cache(maxsize=64)
def _parsed(sha256: str, text: str) -> MetaDataVersion:
    odm = read_odm(text.encode("utf-8"))
    return odm.studies[0].versions[0]


def definition(version: MetadataVersion) -> MetaDataVersion:
    """The domain model of a stored metadata version (cached by content)."""
    return _parsed(version.sha256, version.odm)
