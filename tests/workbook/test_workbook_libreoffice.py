"""The demo's workbook as a person sees it: opened and printed by LibreOffice, read back from the PDF.

One conversion serves every test: every table's headers appear whole, the Overview fits on one
page, the results are filled (typed dates print as dates), the Review sheet and the Gantt chart are
there. The Overview is also rendered to a PNG in the test run's temporary folder, its path printed,
so a reviewer can look at the face of the workbook.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from partnerkit.io.workbook import layout as L

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None,
        reason="LibreOffice (soffice) and poppler (pdftotext) are not installed",
    ),
]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's planner.xlsm (built, then filled as sync fills it) printed to PDF by LibreOffice."""
    from partnerkit.commands.demo import write_workbook
    from partnerkit.io.planfile import example_plan_path, load

    folder = tmp_path_factory.mktemp("demo")
    written = write_workbook(load(example_plan_path()), folder)
    workbook = written[0]
    out = folder / "pdf"
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = out / f"{workbook.stem}.pdf"
    assert pdf.exists(), result.stderr
    return pdf


def pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return text.split("\f")


def page_of(all_pages: list[str], title: str) -> int:
    """The first page whose first line starts with a sheet's title."""
    return next(i for i, page in enumerate(all_pages) if page.strip().startswith(title))


def test_every_header_of_every_table_prints_whole(printed: Path) -> None:
    text = "\n".join(pages(printed))
    flat = re.sub(r"[ \t]+", " ", text)
    for table in L.TABLES:
        for header in table.headers:
            assert header in flat, f"{table.name}: {header!r} is cut or missing in the print"


def test_the_overview_fits_on_one_page(printed: Path) -> None:
    all_pages = pages(printed)
    first = all_pages[0]
    assert first.strip().startswith("Ledgerly: partner plan")
    # The last rows of every column group are on that page, and the next page is the next sheet.
    for text in ("Review date used", "Market position", "Strategic alignment", "Support model"):
        assert text in first, text
    assert all_pages[1].strip().startswith(L.PARTNERS)


def test_the_results_are_filled_and_dates_print_as_dates(printed: Path) -> None:
    all_pages = pages(printed)
    partners = all_pages[page_of(all_pages, L.PARTNERS)]
    assert "Proposed tier" in partners and re.search(r"Strategic\s+hold", partners)
    roadmap = all_pages[page_of(all_pages, L.ROADMAP)]
    assert re.search(r"2026-01-05\s+2026-01-16\s+Q1", roadmap)  # start and end of the first activity
    review = all_pages[page_of(all_pages, L.REVIEW)]
    assert "Proposal to approve" in review and "2026-12-30" in review and "$40,000" in review
    overview = all_pages[0]
    assert "workbook sync" in overview and "2026-10-01" in overview  # the status of the fill


def test_the_gantt_chart_is_on_the_schedule_sheet(printed: Path) -> None:
    all_pages = pages(printed)
    number = page_of(all_pages, L.SCHEDULE) + 1
    assert "The roadmap as a Gantt chart" in all_pages[number - 1]
    if shutil.which("pdfimages") is None:
        pytest.skip("poppler's pdfimages is not installed")
    listed = subprocess.run(
        ["pdfimages", "-list", "-f", str(number), "-l", str(number), str(printed)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()[2:]
    assert listed, "no picture on the Schedule page"


def test_the_overview_renders_for_a_reviewer(printed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed")
    target = printed.parent / "overview"
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-png", "-r", "110", "-singlefile", str(printed), str(target)],
        check=True,
        timeout=120,
    )
    png = target.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with capsys.disabled():
        print(f"\nthe Overview as LibreOffice prints it: {png}")
