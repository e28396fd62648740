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


class _Builder:
    """Builds the tree straight from expat's callbacks, counting the ItemData and recording lines.

    ``DefusedXMLParser`` (ElementTree's pure-Python parser with the DTD, entity and external
    reference handlers refused) is kept for its safety; only its element handlers are replaced:
    one Python call per start tag (the name fixed as ElementTree fixes it, the ItemData cap, the
    line) instead of three, and the C TreeBuilder's ``end`` and ``data`` called by expat directly.
    Lines are recorded for every element but ItemData (the bulk of a data file): an ItemData's
    line is found again only when a problem names it (``Ctx.where``), by counting the ItemData
    before it and re-reading the lines of the ItemData start tags (``item_data_lines``)."""

    def __init__(self, parser: DefusedXMLParser, builder, max_item_data: int):
        self.lines: dict[ET.Element, int] = {}
        self.item_data = 0
        expat = parser.parser
        lines = self.lines
        names: dict[str, str] = {}
        kinds: dict[str, bool] = {}  # fixed tag -> is an ItemData (ItemData, ItemDataString...)
        builder_start = builder.start

        def fix(key: str) -> str:
            # as ElementTree's XMLParser._fixname: expat reports "uri}name" for "{uri}name"
            name = names[key] = "{" + key if "}" in key else key
            return name

        def start(tag, attr_list):
            tag = names.get(tag) or fix(tag)
            attrib = {}
            if attr_list:
                for i in range(0, len(attr_list), 2):
                    key = attr_list[i]
                    attrib[names.get(key) or fix(key)] = attr_list[i + 1]
            elem = builder_start(tag, attrib)
            is_item_data = kinds.get(tag)
            if is_item_data is None:
                is_item_data = kinds[tag] = (local(tag) or "").startswith("ItemData")
            if is_item_data:
                self.item_data += 1
                if self.item_data > max_item_data:
                    raise OdmError(f"refused: the file has more than {max_item_data} ItemData "
                                   "(raise max_item_data to read it)")
            else:
                lines[elem] = expat.CurrentLineNumber
            return elem

        expat.StartElementHandler = start
        # the C TreeBuilder's end ignores the name (ElementTree's own parser passes it fixed)
        expat.EndElementHandler = builder.end


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


def _parser(builder) -> DefusedXMLParser:
    return DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def parse_xml(data, *, max_bytes: int = MAX_BYTES, max_item_data: int = MAX_ITEM_DATA
              ) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse untrusted XML safely; returns the root element and the line of each element but the
    ItemData (see ``_Builder``; ``item_data_lines`` gives theirs)."""
    builder = ET.TreeBuilder()
    parser = _parser(builder)
    target = _Builder(parser, builder, max_item_data)
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
