"""Where parts live in a package: relationships and their targets, and a workbook's sheets by name."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from partnerkit.io.ooxml.xml import PKG_REL_NS, REL_NS, parse_xml

WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
CALC_CHAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


class PartReader(Protocol):
    """Anything that lists and reads parts: a ``Package``, or a ``zipfile.ZipFile``."""

    def namelist(self) -> list[str]:
        """Every part's name."""
        ...

    def read(self, name: str) -> bytes:
        """One part's bytes."""
        ...


def rels_part(part: str) -> str:
    """xl/worksheets/sheet1.xml -> xl/worksheets/_rels/sheet1.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve_target(source_part: str, target: str) -> str:
    """A relationship target as a part name, relative to the part that holds the relationship."""
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


@dataclass
class Relationship:
    """One internal relationship of a part."""

    rid: str
    type: str
    part: str


def relationships_in(root: Any, source: str) -> list[Relationship]:
    """The internal relationships of a parsed .rels part; ``source`` is the part they belong to."""
    out = []
    for el in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if el.get("TargetMode") == "External":
            continue
        out.append(
            Relationship(el.get("Id", ""), el.get("Type", ""), resolve_target(source, el.get("Target", "")))
        )
    return out


@dataclass(frozen=True)
class SheetPart:
    """A worksheet of a workbook: its name, its sheetId (as calcChain refers to it) and its part."""

    name: str
    sheet_id: str
    part: str


def _stored(names: Iterable[str], part: str) -> str | None:
    wanted = part.lower()
    return next((n for n in names if n.lower() == wanted), None)


def _read_rels(reader: PartReader, names: list[str], part: str, source: str) -> list[Relationship]:
    stored = _stored(names, part)
    if stored is None:
        return []
    return relationships_in(parse_xml(reader.read(stored), stored).getroot(), source)


def workbook_part(reader: PartReader) -> str:
    """The workbook part the package's root relationships name (``xl/workbook.xml`` when they name none)."""
    names = reader.namelist()
    office = [r for r in _read_rels(reader, names, "_rels/.rels", "") if r.type.endswith("/officeDocument")]
    return office[0].part if office else "xl/workbook.xml"


def worksheets(reader: PartReader) -> list[SheetPart]:
    """Every worksheet of a workbook package, in tab order (chart and macro sheets are left out)."""
    names = reader.namelist()
    book = workbook_part(reader)
    stored = _stored(names, book)
    if stored is None:
        return []
    by_id = {r.rid: r for r in _read_rels(reader, names, rels_part(book), book)}
    root = parse_xml(reader.read(stored), stored).getroot()
    out = []
    namespace = root.tag[: root.tag.find("}") + 1]  # transitional or strict SpreadsheetML
    for el in root.iter(f"{namespace}sheet"):
        rel = by_id.get(el.get(f"{{{REL_NS}}}id") or _any_rid(el))
        if rel is None or not rel.type.endswith("/worksheet"):
            continue
        out.append(SheetPart(el.get("name", ""), el.get("sheetId", ""), _stored(names, rel.part) or rel.part))
    return out


def _any_rid(el: Any) -> str:
    # Strict Open XML spells the relationships namespace differently; the attribute is still "id".
    return next((v for k, v in el.attrib.items() if k.endswith("}id")), "")


def sheet_parts(reader: PartReader) -> dict[str, str]:
    """Each worksheet's name and the part that holds it (``xl/worksheets/sheet2.xml``)."""
    return {sheet.name: sheet.part for sheet in worksheets(reader)}


@dataclass(frozen=True)
class TablePart:
    """A table as its part defines it: the sheet holding it, its range (``A3:W1003``), its column names."""

    sheet: str
    ref: str
    columns: tuple[str, ...]


def table_parts(reader: PartReader) -> dict[str, TablePart]:
    """Each table by its name (its ``name`` and its ``displayName``, without case), as its part defines it."""
    names = reader.namelist()
    found: dict[str, TablePart] = {}
    for sheet in worksheets(reader):
        for rel in _read_rels(reader, names, rels_part(sheet.part), sheet.part):
            stored = _stored(names, rel.part) if rel.type.endswith("/table") else None
            if stored is None:
                continue
            root = parse_xml(reader.read(stored), stored).getroot()
            namespace = root.tag[: root.tag.find("}") + 1]
            columns = tuple(el.get("name", "") for el in root.iter(f"{namespace}tableColumn"))
            part = TablePart(sheet.name, root.get("ref", ""), columns)
            for attribute in ("name", "displayName"):
                value = root.get(attribute)
                if value:
                    found.setdefault(value.casefold(), part)
    return found
