"""Reading an exchange zip that arrives from outside: refused, with every problem named, unless safe.

Three passes, each stopping the read if it finds anything:

1. the zip's central directory, before anything is decompressed: entry names (absolute, ``..``,
   backslashes, drive letters, control characters), symlinks, duplicates, encryption, the number of
   entries, and the declared sizes and compression ratios (zip bombs);
2. ``exchange.xml``, parsed by defusedxml (no DTD, no entities, no external references), each
   object's values checked, and the manifest matched to the entries one for one;
3. every file's SHA-256 and size, recomputed by streaming, against the manifest.

So a service can refuse a corrupted transfer before it writes anything. ``ExchangeContents.open``
reads an entry again and checks it again as it goes.
"""
from __future__ import annotations

import hashlib
import io
import re
import stat
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .exchange import (
    CHUNK,
    EXT_NS,
    LEVELS,
    MANIFEST_NAME,
    STATE_STATUS,
    STATUSES,
    ExchangeError,
    ExchangeFile,
    ExchangeManifest,
    iso_date,
)

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
#: below this size a high ratio is harmless (a short text of repeated characters); the total caps them
RATIO_FLOOR = 1024 * 1024
ARTIFACT_NUMBER = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}")  # [0-9], as \d takes any script's digits
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


# -- pass 1: the central directory --------------------------------------------------------------
def _name_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.orig_filename  # ZipInfo.filename is cut at a NUL; the original is not
    shown = repr(name)
    if not name.strip("/"):
        return f"{shown}: an entry without a name is not allowed"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return f"{shown}: control characters in an entry name are not allowed"
    if "\\" in name:
        return f"{shown}: backslashes in an entry name are not allowed"
    if name.startswith("/"):
        return f"{shown}: absolute paths are not allowed"
    if re.match(r"[A-Za-z]:", name):
        return f"{shown}: drive letters are not allowed"
    if any(part in ("..", ".") for part in name.split("/")):
        return f"{shown}: '..' and '.' in paths are not allowed"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"{shown}: symbolic links are not allowed"
    return None


def _size_problems(files: list[zipfile.ZipInfo], max_files: int, max_total_bytes: int,
                   max_file_bytes: int, max_ratio: float) -> list[str]:
    problems = []
    count = sum(1 for i in files if i.filename != MANIFEST_NAME)
    if count > max_files:
        problems.append(f"the zip holds {count} files, more than the {max_files} allowed")
    total = sum(i.file_size for i in files)
    if total > max_total_bytes:
        problems.append(f"the zip unpacks to {total} bytes, more than the {max_total_bytes} allowed")
    for i in files:
        if i.file_size > max_file_bytes:
            problems.append(f"{i.filename}: {i.file_size} bytes, more than the {max_file_bytes} allowed")
        elif i.file_size >= RATIO_FLOOR and i.file_size > max_ratio * max(i.compress_size, 1):
            problems.append(f"{i.filename}: compressed {i.file_size // max(i.compress_size, 1)} to 1, more "
                            f"than the {max_ratio:g} to 1 allowed (a zip bomb?)")
    return problems


def _entry_problems(infos: list[zipfile.ZipInfo], limits: dict) -> tuple[list[str], dict[str, zipfile.ZipInfo]]:
    problems, entries = [], {}
    for info in infos:
        problem = _name_problem(info)
        if problem:
            problems.append(problem)
        elif info.filename in entries:
            problems.append(f"{info.filename}: the zip holds this name twice")
        elif info.flag_bits & 0x1:
            problems.append(f"{info.filename}: encrypted entries are not allowed")
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(f"{info.filename}: compression method {info.compress_type} is not supported "
                            "(use deflate or none)")
        elif not (info.is_dir() and info.file_size == 0):
            entries[info.filename] = info
    return problems + _size_problems(list(entries.values()), **limits), entries


# -- pass 2: exchange.xml -----------------------------------------------------------------------
def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(el: ET.Element, name: str) -> str:
    for child in el:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _int(value: str, what: str, problems: list[str], *, minimum: int) -> int:
    if re.fullmatch(r"[0-9]+", value) and int(value) >= minimum:
        return int(value)
    problems.append(f"{what} must be a whole number of at least {minimum}, not {value!r}")
    return minimum


def _file(obj: ET.Element, n: int, entries: dict[str, zipfile.ZipInfo], problems: list[str]) -> ExchangeFile:
    ref = _text(obj, "OBJECTID")
    where = f"{MANIFEST_NAME}, object {n}" + (f" ({ref})" if ref else "")
    found: list[str] = []
    meta = {(m.get("NAME") or "").upper(): (m.text or "").strip() for m in obj if _local(m.tag) == "METADATA"}
    file_els = [c for c in obj if _local(c.tag) == "FILE"]
    if len(file_els) != 1:
        found.append(f"has {len(file_els)} FILE elements; exactly one is supported")
    file_el = file_els[0] if file_els else ET.Element("FILE")
    if not ref:
        found.append("OBJECTID is missing")
    level = _text(obj, "OBJECTLEVEL").lower()
    if level not in LEVELS:
        found.append(f"OBJECTLEVEL must be Trial, Country or Site, not {level!r}")
    elif level == "site" and not _text(obj, "SITEID"):
        found.append("a Site level object needs a SITEID")
    artifact = _text(obj, "ARTIFACTNUMBER")
    if not ARTIFACT_NUMBER.fullmatch(artifact):
        found.append(f"ARTIFACTNUMBER must look like 01.01.01, not {artifact!r}")
    version = _int(meta.get("VERSION", ""), "METADATA VERSION", found, minimum=1)
    integrity = _text(file_el, "INTEGRITY")
    sha256 = integrity.removeprefix("SHA256-").removeprefix("sha256-").lower()
    if not SHA256_HEX.fullmatch(sha256):
        found.append(f"INTEGRITY must be SHA256- and 64 hexadecimal digits, not {integrity!r}")
    path = _text(file_el, "CONTENTURL")
    if path not in entries or path == MANIFEST_NAME:
        found.append(f"its file {path!r} is not in the zip" if path else "CONTENTURL is missing")
    declared = str(entries[path].file_size) if path in entries else "0"
    size = _int(meta.get("SIZE", declared), "METADATA SIZE", found, minimum=0)
    status = (meta.get("STATUS") or STATE_STATUS.get(_text(obj, "OBJECTVERSIONSTATE").lower(), "")).lower()
    if status not in STATUSES:
        found.append(f"STATUS must be one of {', '.join(STATUSES)}, not {status!r}")
    document_date = _text(obj, "ARTIFACTDATE")
    try:
        document_date = iso_date(document_date) if document_date else ""
    except ValueError:
        found.append(f"ARTIFACTDATE must be a date such as 05-MAR-2024, not {document_date!r}")
    filename = _text(file_el, "FILENAME")
    if not filename:
        found.append("FILENAME is missing")
    problems.extend(f"{where}: {p}" for p in found)
    return ExchangeFile(
        document_ref=ref, version=version, artifact=artifact, artifact_name=meta.get("ARTIFACTNAME", ""),
        zone_number=meta.get("ZONENUMBER") or artifact[:2], zone_name=meta.get("ZONENAME", ""),
        level=level, site=_text(obj, "SITEID"), country=_text(obj, "COUNTRYID"),
        title=_text(obj, "OBJECTTITLE"), version_label=_text(obj, "OBJECTVERSION"), status=status,
        document_date=document_date, language=_text(obj, "OBJECTLANGUAGE"), filename=filename,
        content_type=meta.get("CONTENTTYPE") or "application/octet-stream", size=size, sha256=sha256,
        path=path)


def _parse_manifest(data: bytes) -> ET.Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ExchangeError(f"{MANIFEST_NAME}: DTDs, entities and external references are not allowed")
    except ParseError as exc:
        raise ExchangeError(f"{MANIFEST_NAME} is not well-formed XML: {exc}")


def _manifest(zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> ExchangeManifest:
    info = entries.get(MANIFEST_NAME)
    if info is None:
        raise ExchangeError(f"the zip has no {MANIFEST_NAME} at its root: it is not a TMF exchange file")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ExchangeError(f"{MANIFEST_NAME} is larger than {MAX_MANIFEST_BYTES} bytes")
    root = _parse_manifest(_read_entry(zf, info))
    if _local(root.tag) != "BATCH":
        raise ExchangeError(f"{MANIFEST_NAME}: the root element must be BATCH, not {_local(root.tag)}")
    problems: list[str] = []
    files = tuple(_file(obj, n, entries, problems)
                  for n, obj in enumerate((o for o in root if _local(o.tag) == "OBJECT"), start=1))
    listed: dict[str, int] = {}
    for f in files:
        listed[f.path] = listed.get(f.path, 0) + 1
    versions = Counter((f.document_ref, f.version) for f in files)
    problems += [f"{MANIFEST_NAME}: {p!r} is listed {k} times" for p, k in listed.items() if p and k > 1]
    problems += [f"{MANIFEST_NAME}: {ref} version {v} is listed more than once"
                 for (ref, v), k in sorted(versions.items()) if ref and k > 1]
    problems += [f"{name}: this entry is not listed in {MANIFEST_NAME}"
                 for name in entries if name != MANIFEST_NAME and name not in listed]
    study_id = root.get("STUDYID", "").strip()
    if not study_id:
        problems.append(f"{MANIFEST_NAME}: the BATCH has no STUDYID")
    if problems:
        raise ExchangeError(problems)
    return ExchangeManifest(
        study_name=root.get(f"{{{EXT_NS}}}STUDYNAME") or study_id, protocol=study_id,
        source=root.get("TRANSFERSOURCEID", ""), exported_at=root.get(f"{{{EXT_NS}}}EXPORTEDAT", ""),
        files=files, tmf_rm_version=root.get("TMFRMVERSION", ""))


# -- pass 3: the files' bytes -------------------------------------------------------------------
class _CheckedEntry(io.RawIOBase):
    """An entry's bytes, counted and hashed as they are read: more bytes than expected, or the
    wrong SHA-256 at the end, raise ExchangeError instead of returning them."""

    def __init__(self, raw: BinaryIO, path: str, size: int, sha256: str | None):
        self._raw, self._path, self._size, self._sha256 = raw, path, size, sha256
        self._digest, self._seen, self._done = hashlib.sha256(), 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._raw.read(min(len(buffer), CHUNK))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ExchangeError(f"{self._path}: the file is corrupted and cannot be unpacked ({exc})") from exc
        self._seen += len(data)
        if self._seen > self._size:
            raise ExchangeError(f"{self._path}: unpacks to more than its declared {self._size} bytes")
        self._digest.update(data)
        if not data and not self._done:
            self._done = True
            if self._seen != self._size:
                raise ExchangeError(f"{self._path}: {self._seen} bytes, but the manifest says {self._size}")
            if self._sha256 is not None and self._digest.hexdigest() != self._sha256:
                raise ExchangeError(f"{self._path}: SHA-256 does not match the manifest (file corrupted)")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _open_checked(zf: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, sha256: str | None) -> BinaryIO:
    try:
        raw = zf.open(info)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, NotImplementedError) as exc:
        raise ExchangeError(f"{info.filename}: cannot be unpacked ({exc})") from exc
    return io.BufferedReader(_CheckedEntry(raw, info.filename, size, sha256), CHUNK)


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with _open_checked(zf, info, info.file_size, None) as src:
        return src.read()


def _verify(zf: zipfile.ZipFile, manifest: ExchangeManifest) -> list[str]:
    problems = []
    for f in manifest.files:
        try:
            with _open_checked(zf, zf.getinfo(f.path), f.size, f.sha256) as src:
                while src.read(CHUNK):
                    pass
        except ExchangeError as exc:
            problems.extend(exc.problems)
    return problems


# -- the entry point ----------------------------------------------------------------------------
class ExchangeContents:
    """A verified exchange zip: ``manifest``, and ``open(file)`` for one file's bytes. Close it (or
    use ``with``) to close the zip."""

    def __init__(self, zf: zipfile.ZipFile, manifest: ExchangeManifest):
        self._zf = zf
        self.manifest = manifest

    def open(self, file: ExchangeFile) -> BinaryIO:
        return _open_checked(self._zf, self._zf.getinfo(file.path), file.size, file.sha256)

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> ExchangeContents:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_exchange(stream: BinaryIO, *, max_files: int = 5000, max_total_bytes: int = 2 * 1024**3,
                  max_file_bytes: int = 512 * 1024**2, max_ratio: float = 200) -> ExchangeContents:
    """Opens and verifies an exchange zip (see the module's docstring); ExchangeError if unsafe."""
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ExchangeError("the upload is not a zip file (or the zip is damaged)") from None
    try:
        limits = dict(max_files=max_files, max_total_bytes=max_total_bytes,
                      max_file_bytes=max_file_bytes, max_ratio=max_ratio)
        problems, entries = _entry_problems(zf.infolist(), limits)
        if problems:
            raise ExchangeError(problems)
        manifest = _manifest(zf, entries)
        problems = _verify(zf, manifest)
        if problems:
            raise ExchangeError(problems)
    except BaseException:
        zf.close()
        raise
    return ExchangeContents(zf, manifest)
