"""A study's binder as a TMF Exchange Mechanism Standard (eTMF-EMS) zip: the data and the writer.

The zip holds one folder per zone and artifact (as Viedoc lays out its EMS export) with every
stored version of every document, and ``exchange.xml`` at the root: an inventory of every file
with its checksum and metadata, which the receiver re-verifies (``exchange_read``).

``exchange.xml`` follows the element names of the EMS schema (github.com/TmfRef/exchange-framework,
namespace ``https://tmfrefmodel.com/ems``): a ``BATCH`` root naming the study and the transfer, one
``OBJECT`` per document version (``OBJECTID``, ``OBJECTLEVEL``, ``ARTIFACTNUMBER``,
``OBJECTVERSION``, ...) holding one ``FILE`` (``INTEGRITY`` "SHA256-<hex>", ``FILENAME``,
``CONTENTURL``: its path in the zip). What the standard has no element for (version number,
status, zone and artifact names, content type, size) goes in ``METADATA NAME="..."`` elements, its
own extension point; the study name and export time are attributes in Trial Office's namespace.
Two knowing departures from the schema: ``COUNTRYID`` holds the binder's ISO 3166 alpha-2 code
(the schema asks for alpha-3), and ``ARTIFACTDATE`` is omitted when a document has no date.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import BinaryIO

from .lifecycle import LABELS

EMS_NS = "https://tmfrefmodel.com/ems"
#: Trial Office's own attributes on BATCH (the EMS schema has no study name or export time)
EXT_NS = "urn:trialoffice:edocs:exchange"
MANIFEST_NAME = "exchange.xml"
SPECIFICATION_ID = "trialoffice-edocs-exchange-1"

LEVELS = ("trial", "country", "site")
STATUSES = tuple(LABELS)
#: the EMS "OBJECTVERSIONSTATE" (Current, Superseded or Obsolete) of a status; any other is Current
VERSION_STATE = {"superseded": "Superseded"}
#: the status of an object from another system that carries no Trial Office status
STATE_STATUS = {"current": "effective", "superseded": "superseded", "obsolete": "archived"}
#: EMS dates are DD-MMM-YYYY with English month abbreviations, whatever the locale
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

#: characters XML 1.0 cannot hold (a vertical tab pasted from Word would make exchange.xml unreadable)
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CHUNK = 1 << 20
MAX_NAME_CHARS = 80


class ExchangeError(ValueError):
    """An exchange zip that cannot be written or read; ``problems`` lists every problem found.

    The message (one problem a line) is meant to be shown to the user as it is."""

    def __init__(self, problems: str | list[str]):
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:50]
        more = len(self.problems) - len(shown)
        super().__init__("\n".join(shown) + (f"\n... and {more} more problems" if more > 0 else ""))


@dataclass(frozen=True)
class ExchangeFile:
    """One stored version of one document."""

    document_ref: str  # the source document's id: groups the versions of one document
    version: int  # 1, 2, ...
    artifact: str  # "05.02.10"
    artifact_name: str
    zone_number: str
    zone_name: str
    level: str  # trial | country | site
    site: str  # site code or ""
    country: str  # ISO 3166 alpha-2 or ""
    title: str
    version_label: str  # "1.0"
    status: str  # one of STATUSES
    document_date: str  # ISO date or ""
    language: str  # e.g. "en"
    filename: str  # the original file name
    content_type: str
    size: int
    sha256: str
    path: str = ""  # its path inside the zip (set by the writer, read from the manifest)


@dataclass(frozen=True)
class ExchangeManifest:
    study_name: str
    protocol: str
    source: str  # the exporting organization's name
    exported_at: str  # ISO 8601, UTC
    files: tuple[ExchangeFile, ...]
    tmf_rm_version: str = "3.3"  # the TMF Reference Model version the artifact numbers follow


# -- paths in the zip ---------------------------------------------------------------------------
def safe_name(text: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """One path component any unzip tool accepts: ASCII (accents folded), no separators, no
    control or reserved characters, not "." or "..", at most ``max_chars`` (extension kept)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", ascii_text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    if not cleaned:
        return "file"
    if len(cleaned) > max_chars:
        stem, dot, ext = cleaned.rpartition(".")
        if dot and stem and len(ext) <= 10:
            cleaned = stem[: max_chars - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            cleaned = cleaned[:max_chars].rstrip(" .")
    return cleaned


def file_path(f: ExchangeFile) -> str:
    """``<zone> <zone name>/<artifact> <artifact name>/<site, country or 'trial'>/<ref>-v<n>-<name>``."""
    place = f.site or f.country or "trial"
    return "/".join((
        safe_name(f"{f.zone_number} {f.zone_name}"),
        safe_name(f"{f.artifact} {f.artifact_name}"),
        safe_name(place),
        safe_name(f"{f.document_ref}-v{f.version}-{f.filename}", 120),
    ))


def _unique(path: str, taken: set[str]) -> str:
    candidate, n = path, 1
    while candidate.lower() in taken:  # case-insensitive: the zip may be unpacked on Windows or macOS
        n += 1
        stem, dot, ext = path.rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot and "/" not in ext else f"{path}-{n}"
    taken.add(candidate.lower())
    return candidate


# -- exchange.xml -------------------------------------------------------------------------------
def ems_date(iso: str) -> str:
    """"2024-03-05" -> "05-MAR-2024" (the EMS date format)."""
    d = date.fromisoformat(iso)
    return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year:04d}"


def iso_date(value: str) -> str:
    """"05-MAR-2024" (EMS) or "2024-03-05" -> "2024-03-05"; ValueError if neither."""
    m = re.fullmatch(r"([0-9]{2})-([A-Za-z]{3})-([0-9]{4})", value)
    if m and m.group(2).upper() in MONTHS:
        return date(int(m.group(3)), MONTHS.index(m.group(2).upper()) + 1, int(m.group(1))).isoformat()
    return date.fromisoformat(value).isoformat()


def transfer_id(exported_at: str) -> str:
    """The EMS TRANSFERID: the export time as YYYYmmDDHHMMss (as Viedoc names its transfers)."""
    try:
        return datetime.fromisoformat(exported_at).strftime("%Y%m%d%H%M%S")
    except ValueError:
        return re.sub(r"\D", "", exported_at) or "0"


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = XML_ILLEGAL.sub("", text)


def _object(f: ExchangeFile, unique_id: int) -> ET.Element:
    obj = ET.Element("OBJECT")
    _sub(obj, "OBJECTID", f.document_ref)
    _sub(obj, "OBJECTLEVEL", f.level.capitalize())
    if f.country:
        _sub(obj, "COUNTRYID", f.country)
    if f.site:
        _sub(obj, "SITEID", f.site)
    _sub(obj, "UNIQUEID", str(unique_id))
    _sub(obj, "ARTIFACTNUMBER", f.artifact)
    if f.language:
        _sub(obj, "OBJECTLANGUAGE", f.language)
    _sub(obj, "OBJECTVERSION", f.version_label or str(f.version))
    _sub(obj, "OBJECTVERSIONSTATE", VERSION_STATE.get(f.status, "Current"))
    _sub(obj, "OBJECTTITLE", f.title)
    _sub(obj, "OBJECTCOPY", "No")
    if f.document_date:
        _sub(obj, "ARTIFACTDATE", ems_date(f.document_date))
    file_el = ET.SubElement(obj, "FILE")
    _sub(file_el, "INTEGRITY", f"SHA256-{f.sha256}")
    _sub(file_el, "FILENAME", f.filename)
    _sub(file_el, "CONTENTURL", f.path)
    for name, value in (("VERSION", str(f.version)), ("STATUS", f.status), ("ZONENUMBER", f.zone_number),
                        ("ZONENAME", f.zone_name), ("ARTIFACTNAME", f.artifact_name),
                        ("CONTENTTYPE", f.content_type), ("SIZE", str(f.size))):
        ET.SubElement(obj, "METADATA", NAME=name).text = XML_ILLEGAL.sub("", value)
    return obj


def manifest_xml(manifest: ExchangeManifest) -> bytes:
    """``exchange.xml`` for a manifest whose files have their paths.

    The tree is built with plain names and the namespaces declared as attributes: ElementTree
    cannot write a default namespace beside attributes that have none (as the EMS's have)."""
    root = ET.Element("BATCH", {
        "xmlns": EMS_NS,
        "xmlns:tox": EXT_NS,
        "STUDYID": manifest.protocol or manifest.study_name,
        "TRANSFERSOURCEID": manifest.source,
        "TRANSFERID": transfer_id(manifest.exported_at),
        "SPECIFICATIONID": SPECIFICATION_ID,
        "TMFRMVERSION": manifest.tmf_rm_version,
        "tox:STUDYNAME": manifest.study_name,
        "tox:EXPORTEDAT": manifest.exported_at,
    })
    for n, f in enumerate(manifest.files, start=1):
        root.append(_object(f, n))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- the writer ---------------------------------------------------------------------------------
def _zip_time(exported_at: str) -> tuple[int, int, int, int, int, int]:
    try:
        stamp = datetime.fromisoformat(exported_at)
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def _entry(path: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def _copy(src: BinaryIO, dst: BinaryIO, f: ExchangeFile) -> None:
    """Streams one stored file into the zip; refuses if it is not the bytes the binder recorded."""
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        dst.write(chunk)
    if size != f.size or digest.hexdigest() != f.sha256:
        raise ExchangeError(f"{f.document_ref} version {f.version} ({f.filename}): the stored file does "
                            "not match its recorded SHA-256 and size; the export was stopped")


def write_exchange(out: BinaryIO, manifest: ExchangeManifest,
                   open_file: Callable[[ExchangeFile], BinaryIO]) -> ExchangeManifest:
    """Writes the zip to ``out``: each file streamed in (``open_file`` gives its stored bytes),
    then ``exchange.xml``. Returns the manifest with each file's path in the zip filled in.

    Each stream ``open_file`` returns is closed once copied. On ExchangeError (a stored file that
    is not what the binder recorded) ``out`` holds a partial zip: discard it."""
    taken = {MANIFEST_NAME}
    placed = tuple(replace(f, path=_unique(file_path(f), taken)) for f in manifest.files)
    when = _zip_time(manifest.exported_at)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in placed:
            src = open_file(f)
            try:
                with zf.open(_entry(f.path, when), "w", force_zip64=f.size >= zipfile.ZIP64_LIMIT) as dst:
                    _copy(src, dst, f)
            finally:
                src.close()
        result = replace(manifest, files=placed)
        zf.writestr(_entry(MANIFEST_NAME, when), manifest_xml(result))
    return result
