"""Safe XML parsing of untrusted ODM files, and the helpers the reader shares.

Parsing goes through defusedxml with DTDs, entities and external references forbidden, so an
XXE or entity-expansion ("billion laughs") file is refused before anything is expanded. The input
size and the number of ItemData are capped while parsing, before the tree grows."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .errors import OdmError
from .names import local

#: default caps (both can be changed per call)
MAX_BYTES = 200 * 1024 * 1024
MAX_ITEM_DATA = 2_000_000
_CHUNK = 1 << 20


class _Target:
    """A TreeBuilder that also records each element's line and counts the ItemData."""

    def __init__(self, max_item_data: int):
        self._builder = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.expat = None
        self.item_data = 0
        self.max_item_data = max_item_data

    def start(self, tag, attrs):
        elem = self._builder.start(tag, attrs)
        self.lines[elem] = self.expat.CurrentLineNumber
        if "ItemData" in tag and (local(tag) or "").startswith("ItemData"):
            self.item_data += 1
            if self.item_data > self.max_item_data:
                raise OdmError(f"refused: the file has more than {self.max_item_data} ItemData "
                               "(raise max_item_data to read it)")
        return elem

    def end(self, tag):
        return self._builder.end(tag)

    def data(self, data):
        self._builder.data(data)

    def close(self):
        return self._builder.close()


def _chunks(data, max_bytes: int):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        if len(data) > max_bytes:
            raise OdmError(f"refused: the file is larger than {max_bytes} bytes (max_bytes)")
        yield bytes(data)
        return
    if not hasattr(data, "read"):
        raise TypeError(f"read_odm takes bytes or a binary file, not {type(data).__name__}")
    total = 0
    while chunk := data.read(_CHUNK):
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        total += len(chunk)
        if total > max_bytes:
            raise OdmError(f"refused: the file is larger than {max_bytes} bytes (max_bytes)")
        yield chunk


def parse_xml(data, *, max_bytes: int = MAX_BYTES, max_item_data: int = MAX_ITEM_DATA
              ) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse untrusted XML safely; returns the root element and each element's line number."""
    target = _Target(max_item_data)
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    target.expat = parser.parser
    try:
        for chunk in _chunks(data, max_bytes):
            parser.feed(chunk)
        root = parser.close()
    except DTDForbidden:
        raise OdmError("refused: the file declares a DTD (<!DOCTYPE ...>); ODM files need none, and "
                       "DTDs carry external-entity (XXE) and entity-expansion attacks") from None
    except EntitiesForbidden as exc:
        raise OdmError(f"refused: the file declares an entity ({exc.name}): entity expansion is "
                       "not allowed") from None
    except ExternalReferenceForbidden:
        raise OdmError("refused: the file references an external resource (XXE)") from None
    except DefusedXmlException as exc:
        raise OdmError(f"refused: {exc}") from None
    except ParseError as exc:
        raise OdmError(f"not well-formed XML: {exc}") from None
    return root, target.lines


class Ctx:
    """Reading state: element lines and the problems found so far (all are raised at the end)."""

    def __init__(self, lines: dict[ET.Element, int]):
        self.lines = lines
        self.problems: list[str] = []
        #: (element name, OID) -> line, for the reference checks' messages
        self.def_lines: dict[tuple[str, str], int] = {}

    def where(self, el: ET.Element, oid: str | None = None) -> str:
        name = local(el.tag) or el.tag
        line = self.lines.get(el)
        # ``oid`` is the element's own OID, or "in FormDef 'F.1'" for a reference inside a definition
        label = name if not oid else f"{name} {oid}" if oid.startswith("in ") else f"{name} '{oid}'"
        return label + (f" (line {line})" if line else "")

    def problem(self, el: ET.Element, message: str, oid: str | None = None) -> None:
        self.problems.append(f"{self.where(el, oid)}: {message}")

    def required(self, el: ET.Element, attr: str, oid: str | None = None) -> str:
        value = el.get(attr)
        if value is None:
            self.problem(el, f"missing {attr}", oid)
            return ""
        return value

    def oid(self, el: ET.Element, kind: str | None = None) -> str:
        oid = self.required(el, "OID")
        if oid and kind:
            self.def_lines.setdefault((kind, oid), self.lines.get(el, 0))
        return oid

    def enum(self, el: ET.Element, attr: str, allowed: tuple[str, ...], oid: str | None = None,
             *, required: bool = False) -> str | None:
        value = el.get(attr)
        if value is None:
            if required:
                self.problem(el, f"missing {attr} (one of {', '.join(allowed)})", oid)
            return None
        if value not in allowed:
            self.problem(el, f"{attr} {value!r} is not one of {', '.join(allowed)}", oid)
            return None
        return value

    def yes_no(self, el: ET.Element, attr: str, oid: str | None = None, *, required: bool = False,
               default: bool = False) -> bool:
        value = self.enum(el, attr, ("Yes", "No"), oid, required=required)
        return default if value is None else value == "Yes"

    def integer(self, el: ET.Element, attr: str, oid: str | None = None) -> int | None:
        value = el.get(attr)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.problem(el, f"{attr} {value!r} is not an integer", oid)
            return None


def children(el: ET.Element, name: str):
    """``el``'s ODM children called ``name``."""
    return [child for child in el if local(child.tag) == name]


def child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if local(c.tag) == name), None)


def child_text(el: ET.Element, name: str) -> str | None:
    found = child(el, name)
    return None if found is None else (found.text or "")


def extra(el: ET.Element, known: set[str] | frozenset[str]) -> dict[str, str]:
    """The attributes of ``el`` the model does not name."""
    return {k: v for k, v in el.attrib.items() if k not in known}
