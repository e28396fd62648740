"""Safe XML parsing of untrusted ODM files, and the helpers the reader shares.

Parsing goes through defusedxml with DTDs, entities and external references forbidden, so an
XXE or entity-expansion ("billion laughs") file is refused before anything is expanded. The input
size and the number of ItemData are capped while parsing, before the tree grows."""
from __future__ import annotations

import types
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .errors import OdmError
from .names import local

#: default caps (both can be changed per call)
MAX_BYTES = 200 * 1024 * 1024
MAX_ITEM_DATA = 2_000_000
_CHUNK = 1 << 20
#: ElementTree's C TreeBuilder (its methods are not Python functions)
_C_TREE_BUILDER = not isinstance(ET.TreeBuilder.end, types.FunctionType)


def _is_item_data(tag: str) -> bool:
    """ItemData, ItemDataString, ItemDataInteger... (ODM's typed forms)."""
    return "ItemData" in tag and (local(tag) or "").startswith("ItemData")


def _fixer(names: dict[str, str]):
    """ElementTree's XMLParser._fixname: expat reports "uri}name" for "{uri}name"."""

    def fix(key: str) -> str:
        name = names[key] = "{" + key if "}" in key else key
        return name

    return fix


class Lines:
    """Each element's line, for the problems' messages (``get(el)``, as a dict's).

    The lines of the ItemData, the bulk of a data file, are not recorded while parsing: the first
    time one is asked for, the file is read again for the lines of its ItemData start tags, which
    are matched to the tree's ItemData in document order. (A file object that cannot seek back
    has every line recorded while parsing.)"""

    def __init__(self, lines: dict[ET.Element, int], root: ET.Element | None = None, reread=None):
        self._lines = lines
        self._root = root
        self._reread = reread
        self._item_data: dict[ET.Element, int] | None = None

    def get(self, el: ET.Element, default: int | None = None) -> int | None:
        line = self._lines.get(el)
        if line is not None:
            return line
        if self._reread is None or not isinstance(el.tag, str) or not _is_item_data(el.tag):
            return default
        if self._item_data is None:
            try:
                found = self._reread()
            except (OSError, ValueError):  # the file cannot be read again: the message has no line
                found = []
            elements = [e for e in self._root.iter() if isinstance(e.tag, str) and _is_item_data(e.tag)]
            self._item_data = dict(zip(elements, found)) if len(elements) == len(found) else {}
        return self._item_data.get(el, default)


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


def _parse(chunks, parser: DefusedXMLParser):
    try:
        for chunk in chunks:
            parser.feed(chunk)
        return parser.close()
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


def _item_data_lines(data, position: int | None, max_bytes: int) -> list[int]:
    """The line of each ItemData start tag of ``data`` (read again), in document order."""
    if position is not None:
        data.seek(position)
    builder = ET.TreeBuilder()
    parser = _parser(builder)
    expat = parser.parser
    found: list[int] = []
    kinds: dict[str, bool] = {}
    names: dict[str, str] = {}
    fix = _fixer(names)

    def start(tag, attr_list):
        tag = names.get(tag) or fix(tag)
        is_item_data = kinds.get(tag)
        if is_item_data is None:
            is_item_data = kinds[tag] = _is_item_data(tag)
        if is_item_data:
            found.append(expat.CurrentLineNumber)

    expat.StartElementHandler = start
    expat.EndElementHandler = None
    expat.CharacterDataHandler = None
    _parse(_chunks(data, max_bytes), parser)
    return found


def parse_xml(data, *, max_bytes: int = MAX_BYTES, max_item_data: int = MAX_ITEM_DATA
              ) -> tuple[ET.Element, Lines]:
    """Parse untrusted XML safely; returns the root element and the elements' lines (``Lines``)."""
    builder = ET.TreeBuilder()
    parser = _parser(builder)
    expat = parser.parser
    # expat calls the C TreeBuilder's data directly already; its end too (it ignores the name,
    # which ElementTree's parser would fix first), unless ElementTree runs without its C part
    if _C_TREE_BUILDER:
        expat.EndElementHandler = builder.end
    lines: dict[ET.Element, int] = {}
    position = None
    if not isinstance(data, (str, bytes, bytearray, memoryview)) and hasattr(data, "read"):
        try:
            position = data.tell() if data.seekable() else None
        except (AttributeError, OSError, ValueError):
            position = None
    lazy = position is not None or isinstance(data, (str, bytes, bytearray, memoryview))
    kinds: dict[str, bool] = {}  # fixed tag -> is an ItemData
    builder_start = builder.start
    count = 0
    names: dict[str, str] = {}
    fix = _fixer(names)

    def start(tag, attr_list):
        # ElementTree's XMLParser._start and the count and line in one call
        nonlocal count
        tag = names.get(tag) or fix(tag)
        attrib = {}
        if attr_list:
            for i in range(0, len(attr_list), 2):
                key = attr_list[i]
                attrib[names.get(key) or fix(key)] = attr_list[i + 1]
        elem = builder_start(tag, attrib)
        is_item_data = kinds.get(tag)
        if is_item_data is None:
            is_item_data = kinds[tag] = _is_item_data(tag)
        if is_item_data:
            count += 1
            if count > max_item_data:
                raise OdmError(f"refused: the file has more than {max_item_data} ItemData "
                               "(raise max_item_data to read it)")
            if lazy:
                return elem
        lines[elem] = expat.CurrentLineNumber
        return elem

    expat.StartElementHandler = start
    root = _parse(_chunks(data, max_bytes), parser)
    if not lazy:
        return root, Lines(lines)
    return root, Lines(lines, root, lambda: _item_data_lines(data, position, max_bytes))


class Ctx:
    """Reading state: element lines and the problems found so far (all are raised at the end)."""

    def __init__(self, lines: Lines | dict[ET.Element, int]):
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
