"""Where parts live: a workbook's sheets by name, from its relationships, for a Package or a ZipFile."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.parts import rels_part, resolve_target, sheet_parts, workbook_part, worksheets

from .builders import zip_of


def test_sheets_by_name_skip_chart_sheets_and_agree_for_zipfile_and_package(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Partners <EMEA> & Co's").write(0, 0, 1)
    chart = book.add_chart({"type": "line"})
    chart.add_series({"values": "='Partners <EMEA> & Co''s'!$A$1:$A$1"})
    book.add_chartsheet("Chart").set_chart(chart)
    book.add_worksheet("Notes")
    book.close()
    package = Package(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        assert sheet_parts(archive) == sheet_parts(package)
    assert sheet_parts(package) == {
        "Partners <EMEA> & Co's": "xl/worksheets/sheet1.xml",
        "Notes": "xl/worksheets/sheet2.xml",
    }
    assert [s.sheet_id for s in worksheets(package)] == ["1", "3"]


def test_the_workbook_part_comes_from_the_root_relationships() -> None:
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="/Book/main.xml"/></Relationships>'
    )
    package = Package(zip_of({"_rels/.rels": rels, "Book/main.xml": b"<workbook/>"}))
    assert workbook_part(package) == "Book/main.xml"
    assert workbook_part(zipfile.ZipFile(io.BytesIO(zip_of({"x": b""})))) == "xl/workbook.xml"


def test_targets_resolve_relative_to_their_part() -> None:
    assert rels_part("xl/worksheets/sheet1.xml") == "xl/worksheets/_rels/sheet1.xml.rels"
    assert resolve_target("xl/workbook.xml", "worksheets/sheet%201.xml") == "xl/worksheets/sheet 1.xml"
    assert resolve_target("xl/worksheets/sheet1.xml", "../tables/table1.xml") == "xl/tables/table1.xml"
    assert resolve_target("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
