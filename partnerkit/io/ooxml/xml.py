"""Hardened XML for package parts: a parser that loads no DTD, expands no entity, reaches no network
and builds no huge tree; the OOXML namespaces; and parts written back as Office writes them."""

from __future__ import annotations

from typing import Any

from lxml import etree

from partnerkit.io.ooxml.errors import DamagedPackage, RefusedPackage

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def q(tag: str) -> str:
    """A tag in the SpreadsheetML main namespace."""
    return f"{{{MAIN_NS}}}{tag}"


def parse_xml(data: bytes, part: str) -> Any:
    """Parse one part as an element tree; RefusedPackage for a DOCTYPE, DamagedPackage for broken XML."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RefusedPackage(f"has a part ({part}) with a DOCTYPE, which no Office file has; refusing it")
    try:
        return etree.ElementTree(etree.fromstring(data, _PARSER))
    except etree.XMLSyntaxError as exc:
        raise DamagedPackage(f"has a damaged part ({part}): {exc}") from exc


def serialize_xml(tree: Any) -> bytes:
    """A part as bytes, with the declaration Excel writes."""
    body: bytes = etree.tostring(tree, encoding="utf-8", xml_declaration=False)
    return _DECLARATION + body
