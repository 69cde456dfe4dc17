"""The bridge runs through xlwings' own remote engine: a book built from the JSON Excel's client sends.

The payload is made the way xlwings' VBA client (``Remote.bas``) makes it: every sheet's values from
A1 to the end of its used range, its tables with their addresses, the active sheet and selection.
The remote engine is part of xlwings PRO; its licence allows noncommercial testing with the key
``noncommercial``, set here for the test process only (users of the RunPython buttons need no key).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from partnerkit.io.planfile import load_example_plan
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan


@pytest.fixture
def xw(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """xlwings with its remote engine available, for this test only."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings
    from xlwings.main import Engine

    added = None
    if "remote" not in [e.name for e in xlwings.engines]:
        from xlwings.pro import _xlremote

        added = Engine(impl=_xlremote.engine)
        xlwings.engines.add(added)
    yield xlwings
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller
    if added is not None:
        xlwings.engines.engines.remove(added)
        xlwings.engines.engines_by_name.pop("remote", None)


def _json_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.isoformat()[:10]}T00:00:00.000Z"
    return value


def payload(path: Path, active_sheet: str, version: str) -> dict[str, Any]:
    """The JSON xlwings' VBA client sends for the workbook at ``path`` (read with openpyxl, never saved)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    named = pictures(path)
    sheets = []
    for ws in book.worksheets:
        rows = ws.max_row
        cols = ws.max_column
        values = [[_json_value(ws.cell(r, c).value) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
        tables = []
        for table in ws.tables.values():
            first, last = table.ref.split(":")
            (c0, r0), (c1, r1) = _split(first), _split(last)
            tables.append(
                {
                    "name": table.name,
                    "range_address": f"${c0}${r0}:${c1}${r1}",
                    "header_row_range_address": f"${c0}${r0}:${c1}${r0}",
                    "data_body_range_address": f"${c0}${r0 + 1}:${c1}${r1}" if r1 > r0 else None,
                    "total_row_range_address": None,
                    "show_headers": True,
                    "show_totals": False,
                    "table_style": "TableStyleMedium2",
                    "show_autofilter": True,
                }
            )
        sheets.append(
            {"name": ws.title, "values": values, "pictures": named.get(ws.title, []), "tables": tables}
        )
    return {
        "client": "VBA",
        "version": version,
        "book": {
            "name": path.name,
            "active_sheet_index": book.sheetnames.index(active_sheet),
            "selection": "A1",
        },
        "names": [],
        "sheets": sheets,
    }


def pictures(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's pictures as Excel's client lists them: name, size and place in points."""
    import re
    import zipfile

    from partnerkit.io.ooxml.parts import rels_part, sheet_parts

    out: dict[str, list[dict[str, Any]]] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for sheet, part in sheet_parts(archive).items():
            rels = rels_part(part)
            if rels not in names:
                continue
            for target in re.findall(
                r'Target="\.\./drawings/(drawing\d+\.xml)"', archive.read(rels).decode()
            ):
                xml = archive.read(f"xl/drawings/{target}").decode()
                for pic in re.findall(r"<xdr:pic>.*?</xdr:pic>", xml, re.S):
                    name = re.search(r'<xdr:cNvPr id="\d+" name="([^"]+)"', pic)
                    ext = re.search(r'<a:ext cx="(\d+)" cy="(\d+)"', pic)
                    if name and ext:
                        width, height = (int(v) / 12700 for v in ext.groups())  # EMU -> points
                        out.setdefault(sheet, []).append(
                            {
                                "name": name.group(1),
                                "width": width,
                                "height": height,
                                "left": 0,
                                "top": 0,
                                "lock_aspect_ratio": True,
                            }
                        )
    return out


def _split(cell: str) -> tuple[str, int]:
    letters = "".join(ch for ch in cell if ch.isalpha())
    return letters, int(cell[len(letters) :])


@pytest.fixture(scope="session")
def example() -> Plan:
    return load_example_plan()


@pytest.fixture
def open_book(xw: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build a workbook for a plan and open it in the remote engine, as Excel's client would send it."""
    monkeypatch.chdir(tmp_path)

    def opener(plan: Plan, active_sheet: str = "Overview") -> Any:
        path = build_workbook(plan, tmp_path / "planner.xlsx", macros=False)
        return xw.Book(json=payload(path, active_sheet, xw.__version__))

    return opener


def companion() -> Any:
    """The companion module the workbook's macros run (workbook/planner.py), loaded as Excel loads it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "planner", Path(__file__).parents[2] / "workbook" / "planner.py"
    )
    assert spec and spec.loader
    planner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(planner)
    return planner
