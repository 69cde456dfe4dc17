"""The strategy in Word: every section of the template as a real heading, real tables, links, TOC, footer."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from partnerkit.claims import grounding
from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path
from partnerkit.io.word.outline import outline
from partnerkit.io.word.report import write_strategy_docx
from partnerkit.model import Plan


def test_report_outline_matches_golden(
    example_plan: Plan, tmp_path: Path, check_golden: Callable[..., None]
) -> None:
    path = write_strategy_docx(example_plan, tmp_path / "strategy.docx")
    check_golden("strategy-report", outline(path), path)


def test_every_section_of_the_template_is_a_real_heading(example_plan: Plan, tmp_path: Path) -> None:
    lines = outline(write_strategy_docx(example_plan, tmp_path / "s.docx"))
    level1 = [line.removeprefix("[Heading 1] ") for line in lines if line.startswith("[Heading 1] ")]
    assert level1 == [
        "Executive Summary",
        "Partnership Philosophy",
        "Partnership Categories",
        "Partnership Tiers",
        "Deal Framework Templates",
        "Prioritized Roadmap",
        "Success Metrics",
        "Assumptions Log",
        "Sources",
    ]
    level2 = {line.removeprefix("[Heading 2] ") for line in lines if line.startswith("[Heading 2] ")}
    assert {
        "Integration Partners",
        "Distribution Partners",
        "Ecosystem Partners",
        "Tier 1: Strategic Partners",
        "Integration Partnership Agreement",
        "Reseller Partnership Agreement",
        "Q1: Foundation",
        "Q2: Expansion",
        "Q3-Q4: Scale",
    } <= level2


def test_every_table_of_the_template_is_a_real_table(example_plan: Plan, tmp_path: Path) -> None:
    lines = outline(write_strategy_docx(example_plan, tmp_path / "s.docx"))
    headers = [lines[i + 1] for i, line in enumerate(lines) if line == "<table>"]
    for header in [
        "| Partner | Type | Their Value | Our Value | Priority | Status | Rationale |",
        "| Partner | Type | Customer Base | Margin | Priority | Status | Rationale |",
        "| Organization | Type | Benefit | Cost | Priority | Status |",
        "| Week | Activity | Partner Type | Goal |",
        "| Metric | Q1 Target | Q2 Target | Year 1 Target |",
        "| Assumption | Confidence | Validation Method |",
        "| Source | Type | Date | URL |",
    ]:
        assert header in headers, header
    assert "| Strategic | >$250K/year | 20% | 35% | $15,000 | Full | Dedicated |" in lines
    assert (
        "| Brightline Advisory | Reseller Partnership Agreement | Strategic | Discount 35%; protection 120 days |"
        " 12 months | Protection period |" in lines
    )


def test_toc_links_and_grounding_footer(example_plan: Plan, tmp_path: Path) -> None:
    path = write_strategy_docx(example_plan, tmp_path / "s.docx")
    lines = outline(path)
    assert "[Normal] {TOC}" in lines
    ratio = grounding(example_plan).ratio
    assert (
        f"footer: [Footer] Partnership Strategy: Ledgerly. Grounding ratio: {ratio:.2f}. Page {{PAGE}}"
        in lines
    )
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        body = archive.read("word/document.xml").decode()
    linked = sorted(re.findall(r'Target="(https?://[^"]+)" TargetMode="External"', rels))
    assert linked == sorted(s.url for s in example_plan.sources if s.url)
    assert body.count("<w:hyperlink ") == len(linked)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@dataclass
class _Scheduled:
    name: str
    start: date
    end: date


@dataclass
class _Schedule:
    activities: list[_Scheduled]


def test_schedule_and_chart_are_included_when_given(example_plan: Plan, tmp_path: Path) -> None:
    schedule = _Schedule([_Scheduled("Partner program structure", date(2026, 1, 5), date(2026, 1, 16))])
    path = write_strategy_docx(example_plan, tmp_path / "s.docx", schedule=schedule, chart=_png())
    lines = outline(path)
    assert "[Heading 2] Scheduled Roadmap" in lines
    assert "| Partner program structure | 2026-01-05 | 2026-01-16 |" in lines
    assert "[Caption] Roadmap schedule (Gantt chart)" in lines
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    plain = outline(write_strategy_docx(example_plan, tmp_path / "plain.docx"))
    assert "[Heading 2] Scheduled Roadmap" not in plain


def test_report_command_writes_word(tmp_path: Path) -> None:
    out = tmp_path / "strategy.docx"
    result = CliRunner().invoke(cli, ["report", str(example_plan_path()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert outline(out)[2] == "[Title] Partnership Strategy"
