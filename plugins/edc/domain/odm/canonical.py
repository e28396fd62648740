"""A canonical form of an ODM document, for comparing two exports of the same content."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .names import local
from .parse import MAX_BYTES, MAX_ITEM_DATA, parse_xml

#: the ODM element's attributes that differ between two exports of the same content
IGNORED = ("CreationDateTime", "AsOfDateTime", "FileOID")


def canonical(data: bytes, *, max_bytes: int = MAX_BYTES, max_item_data: int = MAX_ITEM_DATA) -> str:
    """The document as C14N 2.0 text, without the ODM element's CreationDateTime, AsOfDateTime and
    FileOID, and without whitespace-only text (ODM has no mixed content, so it is indentation).

    Namespace prefixes are normalised (ns0, ns1... in order of use), so two documents differing
    only in their prefixes or attribute order compare equal. The input is parsed safely."""
    root, _ = parse_xml(data, max_bytes=max_bytes, max_item_data=max_item_data)
    if local(root.tag) == "ODM":
        for name in IGNORED:
            root.attrib.pop(name, None)
    for node in root.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return ET.canonicalize(ET.tostring(root, encoding="unicode"))
