"""Where things live in a workbook package: sheets by name, tables by name, their parts and columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.parts import (
    CALC_CHAIN_REL,
    OFFICE_DOC_REL,
    TABLE_REL,
    WORKSHEET_REL,
    Relationship,
    relationships_in,
    rels_part,
    resolve_target,
)
from partnerkit.io.ooxml.refs import parse_range
from partnerkit.io.ooxml.xml import REL_NS, STRICT_NS, parse_xml, q, serialize_xml


def normalize_name(name: str) -> str:
    """A header or name as people mean it: no case, no surrounding or non-breaking spaces."""
    return re.sub(r"\s+", " ", name.replace("\u00a0", " ")).strip().casefold()


@dataclass
class TableColumn:
    """A column of an Excel table, by position inside the table."""

    index: int  # 0-based, inside the table
    name: str
    element: Any


@dataclass
class Table:
    """An Excel table (ListObject): its part, its sheet, its range and its columns."""

    name: str
    part: str
    sheet: str
    tree: Any
    ref: tuple[int, int, int, int]
    header_rows: int
    totals_rows: int
    columns: list[TableColumn] = field(default_factory=list)

    @property
    def first_data_row(self) -> int:
        """The sheet row of the table's first data row."""
        return self.ref[0] + self.header_rows

    @property
    def last_data_row(self) -> int:
        """The sheet row of the table's last data row."""
        return self.ref[2] - self.totals_rows

    def column(self, header: str) -> TableColumn:
        """The column under ``header``: exact match first, then ignoring case and spaces."""
        for col in self.columns:
            if col.name == header:
                return col
        wanted = normalize_name(header)
        matches = [col for col in self.columns if normalize_name(col.name) == wanted]
        if len(matches) == 1:
            return matches[0]
        names = ", ".join(repr(c.name) for c in self.columns)
        raise WorkbookError(f"table {self.name} has no column {header!r} (its columns: {names})")


@dataclass
class Sheet:
    """A worksheet: its name, its sheetId (as calcChain refers to it) and its part."""

    name: str
    sheet_id: str
    part: str
    rels: list[Relationship] = field(default_factory=list)


class Layout:
    """The map of a workbook package: sheets, tables and bookkeeping parts, read once."""

    def __init__(self, package: Package, label: str) -> None:
        self.package = package
        self.label = label
        self.trees: dict[str, Any] = {}
        root_rels = self.relationships("_rels/.rels", source="")
        office = [r for r in root_rels if r.type == OFFICE_DOC_REL]
        if not office:
            strict = [r for r in root_rels if r.type.endswith("/officeDocument")]
            if strict:
                raise WorkbookError(
                    f"{self.label} is saved as Strict Open XML, which sync does not edit; "
                    "save it in Excel as an ordinary Excel Workbook"
                )
            raise WorkbookError(f"{self.label} has no workbook part; it is not an Excel workbook")
        self.workbook_part = office[0].part
        workbook = self.tree(self.workbook_part).getroot()
        if workbook.tag.startswith(f"{{{STRICT_NS}}}"):
            raise WorkbookError(
                f"{self.label} is saved as Strict Open XML, which sync does not edit; "
                "save it in Excel as an ordinary Excel Workbook"
            )
        if workbook.tag != q("workbook"):
            raise WorkbookError(f"{self.label} has no Excel workbook part (found {workbook.tag})")
        pr = workbook.find(q("workbookPr"))
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self.workbook_rels = self.relationships(rels_part(self.workbook_part), self.workbook_part)
        by_id = {r.rid: r for r in self.workbook_rels}
        self.sheets: list[Sheet] = []
        sheets = workbook.find(q("sheets"))
        for el in sheets if sheets is not None else ():
            rel = by_id.get(el.get(f"{{{REL_NS}}}id", ""))
            if rel is None or rel.type != WORKSHEET_REL:
                continue  # chart sheets, dialog sheets and macro sheets are never edited
            self.sheets.append(Sheet(el.get("name", ""), el.get("sheetId", ""), rel.part))
        calc = [r for r in self.workbook_rels if r.type == CALC_CHAIN_REL]
        self.calc_chain_part = calc[0].part if calc else None
        self._tables: dict[str, Table] | None = None

    def tree(self, part: str) -> Any:
        """The parsed XML of a part, parsed once and shared so edits accumulate."""
        if part not in self.trees:
            name = self.package.find(part)
            if name is None:
                raise WorkbookError(f"{self.label} is missing its part {part}; it is damaged")
            self.trees[part] = parse_xml(self.package.read(name), part)
        return self.trees[part]

    def relationships(self, part: str, source: str) -> list[Relationship]:
        """The internal relationships stored in a .rels part (none when it does not exist)."""
        if self.package.find(part) is None:
            return []
        return relationships_in(self.tree(part).getroot(), source)

    def sheet(self, name: str) -> Sheet:
        """The worksheet called ``name``, compared without case as Excel does."""
        for sheet in self.sheets:
            if sheet.name.casefold() == name.casefold():
                return sheet
        names = ", ".join(repr(s.name) for s in self.sheets)
        raise WorkbookError(f"{self.label} has no sheet named {name!r} (its sheets: {names})")

    def sheet_rels(self, sheet: Sheet) -> list[Relationship]:
        """The relationships of a sheet (tables, drawings, comments...)."""
        if not sheet.rels:
            sheet.rels = self.relationships(rels_part(sheet.part), sheet.part)
        return sheet.rels

    @property
    def tables(self) -> dict[str, Table]:
        """Every table of every worksheet, by lower-cased name."""
        if self._tables is None:
            self._tables = {}
            for sheet in self.sheets:
                for rel in self.sheet_rels(sheet):
                    if rel.type == TABLE_REL:
                        table = self._read_table(rel.part, sheet.name)
                        self._tables[table.name.casefold()] = table
        return self._tables

    def _read_table(self, part: str, sheet: str) -> Table:
        tree = self.tree(part)
        root = tree.getroot()
        name = root.get("displayName") or root.get("name") or part
        try:
            ref = parse_range(root.get("ref", ""))
        except ValueError as exc:
            raise WorkbookError(f"{self.label}: table {name} has a broken range ({exc})") from exc
        table = Table(
            name=name,
            part=part,
            sheet=sheet,
            tree=tree,
            ref=ref,
            header_rows=int(root.get("headerRowCount", "1")),
            totals_rows=int(root.get("totalsRowCount", "0")),
        )
        cols = root.find(q("tableColumns"))
        for i, el in enumerate(cols if cols is not None else ()):
            table.columns.append(TableColumn(i, el.get("name", ""), el))
        return table

    def table(self, name: str) -> Table:
        """The table called ``name`` (its display name), compared without case as Excel does."""
        found = self.tables.get(name.casefold())
        if found is None:
            names = ", ".join(repr(t.name) for t in self.tables.values()) or "none"
            raise WorkbookError(f"{self.label} has no table named {name!r} (its tables: {names})")
        return found

    def tables_on(self, sheet: Sheet) -> list[Table]:
        """The tables that sit on one sheet."""
        return [t for t in self.tables.values() if t.sheet == sheet.name]


__all__ = ["Layout", "Relationship", "Sheet", "Table", "rels_part", "resolve_target", "serialize_xml"]
