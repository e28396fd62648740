"""The TMF Reference Model artifact list that every edocs binder is seeded from.

``data/tmf_reference_model.csv`` follows the CDISC (formerly DIA) TMF Reference Model
**version 3.3.1 of 11 August 2023** (public domain). It holds all 250 artifacts of the model's
11 zones. Numbers, zone, section and artifact names, core or recommended, and the
trial/country/site levels are the published values. Two columns are edocs' own reading of the model:

* ``ich_code`` keeps only the ICH E6(R2) section 8 (essential documents) references from the
  model's ICH column ("8.3.17-18" written out as "8.3.17; 8.3.18"), and is empty where the model
  gives none;
* ``description`` is one line: the first sentence of the model's definition, shortened by hand
  where that sentence ran long.

Numbers are never reused between model versions, so gaps (02.01.08, 05.02.15, ...) are
artifacts the model has retired, not missing rows.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ARTIFACT_NUMBER = re.compile(r"^\d{2}\.\d{2}\.\d{2}$", re.ASCII)
LEVELS = ("trial", "country", "site")
CORE_VALUES = {"core": True, "recommended": False}
LEVEL_VALUES = ("y", "")
COLUMNS = ("number", "zone_number", "zone_name", "section_number", "section_name", "artifact_name",
           "core", "trial", "country", "site", "ich_code", "description")
MODEL_VERSION = "3.3.1"
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "tmf_reference_model.csv"


class ReferenceModelError(ValueError):
    """The artifact list file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class ArtifactType:
    """One artifact of the reference model, such as 05.02.04 Principal Investigator Curriculum Vitae."""

    number: str
    zone_number: str
    zone_name: str
    section_number: str
    section_name: str
    name: str
    core: bool
    #: the levels it is filed at, in ("trial", "country", "site") order
    levels: tuple[str, ...]
    ich_code: str
    description: str

    @property
    def zone(self) -> str:
        return self.number[:2]

    @property
    def section(self) -> str:
        return self.number[:5]


def parse_artifact_number(text: object) -> str:
    """The artifact number in ``text`` (surrounding spaces dropped), or ValueError saying what is expected."""
    number = text.strip() if isinstance(text, str) else None
    if number is None or not ARTIFACT_NUMBER.fullmatch(number):
        raise ValueError(f"{text!r} is not an artifact number: give zone.section.artifact, "
                         "two digits each, such as 05.02.10.")
    return number


def load_reference_model(path: Path | str | None = None) -> tuple[ArtifactType, ...]:
    """Every artifact of the model, sorted by number. The shipped file is read once and cached;
    ``path`` reads another file in the same format (not cached)."""
    if path is None:
        return _shipped_model()
    return _read(Path(path))


def artifact_type(number: str) -> ArtifactType | None:
    """The shipped model's artifact with this number, or None when the model has none."""
    return _by_number().get(number) if isinstance(number, str) else None


def zones() -> list[tuple[str, str]]:
    """The model's zones as (number, name), in order."""
    return list({a.zone_number: a.zone_name for a in _shipped_model()}.items())


@cache
def _shipped_model() -> tuple[ArtifactType, ...]:
    return _read(DATA_FILE)


@cache
def _by_number() -> dict[str, ArtifactType]:
    return {a.number: a for a in _shipped_model()}


def _read(path: Path) -> tuple[ArtifactType, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ReferenceModelError(f"{path.name}: the header row must be {','.join(COLUMNS)}.")
        artifacts: list[ArtifactType] = []
        first_line: dict[str, int] = {}
        names: dict[str, tuple[str, int]] = {}
        for row in reader:
            where = f"{path.name} line {reader.line_num}"
            artifact = _artifact(row, where)
            if artifact.number in first_line:
                raise ReferenceModelError(f"{where}: artifact {artifact.number} is listed again "
                                          f"(first on line {first_line[artifact.number]}).")
            first_line[artifact.number] = reader.line_num
            for key, name in ((artifact.zone_number, artifact.zone_name),
                              (artifact.section_number, artifact.section_name)):
                known, line = names.setdefault(key, (name, reader.line_num))
                if known != name:
                    raise ReferenceModelError(f"{where}: {key} is named {name!r} here but {known!r} "
                                              f"on line {line}.")
            artifacts.append(artifact)
    if not artifacts:
        raise ReferenceModelError(f"{path.name}: the file lists no artifacts.")
    return tuple(sorted(artifacts, key=lambda a: a.number))


def _artifact(row: dict, where: str) -> ArtifactType:
    """One row as an ArtifactType, or ReferenceModelError naming the row and what is wrong."""
    if None in row or None in row.values():
        raise ReferenceModelError(f"{where}: expected {len(COLUMNS)} fields ({','.join(COLUMNS)}).")
    values = {key: value.strip() for key, value in row.items()}
    try:
        number = parse_artifact_number(values["number"])
    except ValueError as error:
        raise ReferenceModelError(f"{where}: {error}") from None
    if values["zone_number"] != number[:2]:
        raise ReferenceModelError(f"{where}: artifact {number} is in zone {number[:2]}, "
                                  f"but zone_number says {values['zone_number']!r}.")
    if values["section_number"] != number[:5]:
        raise ReferenceModelError(f"{where}: artifact {number} is in section {number[:5]}, "
                                  f"but section_number says {values['section_number']!r}.")
    for column in ("zone_name", "section_name", "artifact_name"):
        if not values[column]:
            raise ReferenceModelError(f"{where}: artifact {number} has no {column}.")
    if values["core"] not in CORE_VALUES:
        raise ReferenceModelError(f"{where}: core must be 'core' or 'recommended', "
                                  f"not {values['core']!r}.")
    for level in LEVELS:
        if values[level] not in LEVEL_VALUES:
            raise ReferenceModelError(f"{where}: {level} must be 'y' or empty, not {values[level]!r}.")
    levels = tuple(level for level in LEVELS if values[level] == "y")
    if not levels:
        raise ReferenceModelError(f"{where}: artifact {number} is filed at no level; "
                                  "mark at least one of trial, country, site with 'y'.")
    return ArtifactType(number=number, zone_number=number[:2], zone_name=values["zone_name"],
                        section_number=number[:5], section_name=values["section_name"],
                        name=values["artifact_name"], core=CORE_VALUES[values["core"]], levels=levels,
                        ich_code=values["ich_code"], description=values["description"])
