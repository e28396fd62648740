"""CDISC ODM 1.3.2: read an ODM file into edc's model, write the model back, compare documents.

- ``read_odm(data) -> OdmFile``: untrusted bytes or a binary file, parsed safely (defusedxml).
- ``write_odm(...) -> bytes``: Snapshot (metadata, or metadata and data) or Transactional.
- ``write_odm_file(odm) -> bytes``: write back an ``OdmFile``.
- ``canonical(data) -> str``: C14N text without CreationDateTime, AsOfDateTime and FileOID.
- ``check_references(version)``, ``check_clinical_data(data, version)``: OID checks.
"""
from .canonical import canonical
from .checks import check_clinical_data, check_references
from .errors import OdmError
from .model import OdmFile
from .names import ODM_NS, TO_NS
from .read_metadata import derive_variable
from .reader import read_odm
from .writer import write_odm, write_odm_file

__all__ = ["ODM_NS", "TO_NS", "OdmError", "OdmFile", "canonical", "check_clinical_data", "check_references",
           "derive_variable", "read_odm", "write_odm", "write_odm_file"]
