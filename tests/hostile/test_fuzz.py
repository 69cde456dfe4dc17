"""Fuzzing with real example files: the example plan (YAML), a facts CSV, a facts workbook and the example
plan's planning workbook, mutated by hypothesis (flipped bytes, lines cut or repeated, zip entries
dropped, their XML edited), then read by the command a user would run.

Whatever the mutation, the command ends with exit 0 (a harmless change), 1 or 2, without a traceback
and without a dependency's wording. Sizes are bounded (a mutation never grows a file by more than a
few hundred bytes), so time is too; a handful of mutated files also run as the installed command to
measure peak memory. Developers' runs keep what fails in ``.hypothesis/``, so the corpus grows.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.io.planfile import example_plan_path
from tests.hostile.conftest import FACTS_CSV, write_facts_workbook
from tests.hostile.run import Outcome, invoke, run

EXAMPLE = example_plan_path()
CODES = (0, 1, 2)
MEMORY_MB = 500
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What an attacker or a broken exporter puts into a sheet, a workbook part or a text file.
SNIPPETS = [
    b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    b'<c r="B2"><f>SUM(A1:A9)</f></c>',
    b'<c r="B2" t="e"><v>#N/A</v></c>',
    b'<c r="A2" t="s"><v>99999</v></c>',
    b'<c t="inlineStr"><is><t>stray</t></is></c>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    b"</row>",
    b"<row>",
    b"&#0;",
    b"\x00\xff\xfe",
    b"<b>{{ cycler.__init__.__globals__ }}</b>",
    b"*a: &a [*a]",
    b"\n  - [",
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@st.composite
def text_mutation(draw: Any, text: bytes) -> bytes:
    """The text with a few lines cut, repeated or edited, bytes flipped or a snippet put in."""
    lines = text.split(b"\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "repeat", "flip", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == "cut" and lines:
            del lines[at]
        elif kind == "repeat" and lines:
            lines.insert(at, lines[at])
        elif kind == "flip" and lines and lines[at]:
            line = bytearray(lines[at])
            i = draw(st.integers(0, len(line) - 1))
            line[i] ^= draw(st.integers(1, 255))
            lines[at] = bytes(line)
        elif kind == "insert":
            lines.insert(at, draw(st.sampled_from(SNIPPETS)))
        elif kind == "truncate":
            lines = lines[: at + 1]
    return b"\n".join(lines)


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@st.composite
def zip_mutation(draw: Any, data: bytes) -> bytes:
    """The package with an entry dropped, an entry's XML edited, or bytes of the zip itself flipped."""
    kind = draw(st.sampled_from(["drop", "edit", "edit", "flip"]))
    if kind == "flip":
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] ^= draw(st.integers(1, 255))
        return bytes(raw)
    entries = _entries(data)
    name = draw(st.sampled_from(sorted(entries)))
    if kind == "drop":
        del entries[name]
    else:
        part = entries[name]
        at = draw(st.integers(0, len(part)))
        edit = draw(st.sampled_from(["insert", "cut", "flip"]))
        if edit == "insert":
            part = part[:at] + draw(st.sampled_from(SNIPPETS)) + part[at:]
        elif edit == "cut":
            part = part[:at] + part[at + draw(st.integers(1, 200)) :]
        elif part:
            raw = bytearray(part)
            raw[min(at, len(raw) - 1)] ^= draw(st.integers(1, 255))
            part = bytes(raw)
        entries[name] = part
    return _zipped(entries)


def _check(outcome: Outcome) -> None:
    outcome.assert_clean(codes=CODES)


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory, planner_source: Path) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("originals")
    return {
        "plan.yaml": EXAMPLE.read_bytes(),
        "facts.csv": FACTS_CSV.encode("utf-8"),
        "facts.xlsx": write_facts_workbook(folder / "facts.xlsx").read_bytes(),
        "planner.xlsx": planner_source.read_bytes(),
    }


@FUZZ
@given(data=st.data())
def test_a_mutated_yaml_plan(data: Any, originals: dict[str, bytes], tmp_path: Path) -> None:
    plan = _write(tmp_path / "plan.yaml", data.draw(text_mutation(originals["plan.yaml"])))
    _check(invoke("validate", plan))


@FUZZ
@given(data=st.data())
def test_a_mutated_facts_csv(data: Any, originals: dict[str, bytes], tmp_path: Path) -> None:
    facts = _write(tmp_path / "facts.csv", data.draw(text_mutation(originals["facts.csv"])))
    _check(invoke("tiers", EXAMPLE, "--facts", facts, "--as-of", "2026-10-01", "--json"))


@FUZZ
@given(data=st.data())
def test_a_mutated_facts_workbook(data: Any, originals: dict[str, bytes], tmp_path: Path) -> None:
    facts = _write(tmp_path / "facts.xlsx", data.draw(zip_mutation(originals["facts.xlsx"])))
    _check(invoke("tiers", EXAMPLE, "--facts", facts, "--as-of", "2026-10-01", "--json"))


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_a_mutated_planning_workbook(data: Any, originals: dict[str, bytes], tmp_path: Path) -> None:
    book = _write(tmp_path / "planner.xlsx", data.draw(zip_mutation(originals["planner.xlsx"])))
    _check(invoke("validate", book))
    _check(invoke("workbook", "sync", book))


def test_a_few_mutations_stay_under_500_mb(originals: dict[str, bytes], tmp_path: Path) -> None:
    """The mutations most likely to cost memory, run as the installed command: a far cell in a sheet,
    shared strings gone (every string cell points nowhere), a claimed dimension of the whole grid."""
    entries = _entries(originals["planner.xlsx"])
    far = dict(entries)
    sheet = "xl/worksheets/sheet2.xml"
    far[sheet] = far[sheet].replace(b"</sheetData>", SNIPPETS[0] + b"</sheetData>")
    strings = {k: v for k, v in entries.items() if k != "xl/sharedStrings.xml"}
    claimed = {
        k: v.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="') for k, v in entries.items()
    }
    facts = _entries(originals["facts.xlsx"])
    facts["xl/worksheets/sheet2.xml"] = facts["xl/worksheets/sheet2.xml"].replace(
        b"</sheetData>", SNIPPETS[0] + b"</sheetData>"
    )
    runs = [
        ["validate", _write(tmp_path / "far.xlsx", _zipped(far))],
        ["validate", _write(tmp_path / "strings.xlsx", _zipped(strings))],
        ["workbook", "sync", _write(tmp_path / "claimed.xlsx", _zipped(claimed))],
        ["tiers", EXAMPLE, "--facts", _write(tmp_path / "facts.xlsx", _zipped(facts))],
    ]
    for command in runs:
        outcome = run(*command)
        _check(outcome)
        assert outcome.peak_mb is not None and outcome.peak_mb < MEMORY_MB, (command, outcome.peak_mb)
