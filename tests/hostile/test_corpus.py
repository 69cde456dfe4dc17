"""The whole bad-input corpus through every command that reads a plan, a facts table or a workbook.

Every file in ``tests/fixtures/plans`` and every spoilt file made below goes through each command
that reads its kind of input; each run must end with exit 1 (problems in the input) or 2
(unreadable input), without a traceback and without a word of pydantic, Jinja, YAML, Rust or
python-calamine. Most runs are in-process (click's CliRunner); a few run the installed command.
"""

from __future__ import annotations

import copy
import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnerkit.io.planfile import example_plan_path
from tests.conftest import FIXTURES
from tests.hostile.builders import add_far_cell, drop_cached_value, replace_cell, show_error
from tests.hostile.conftest import FACTS_CSV
from tests.hostile.run import invoke, run

EXAMPLE = example_plan_path()
TEMPLATE = Path(__file__).parents[2] / "templates" / "integration-agreement.docx"

# {plan}, {facts} and {out} are filled in for each run.
PLAN_COMMANDS = [
    ["validate", "{plan}"],
    ["validate", "{plan}", "--json"],
    ["report", "{plan}", "-o", "{out}/strategy.md"],
    ["report", "{plan}", "-o", "{out}/strategy.docx"],
    ["tiers", "{plan}"],
    ["tiers", "review", "{plan}"],
    ["terms", "{plan}"],
    ["roadmap", "{plan}"],
    ["agreement", "{plan}", "--partner", "Northwind ERP", "-o", "{out}/northwind.docx"],
    ["agreements", "{plan}", "-o", "{out}/drafts"],
    ["templates", "check", str(TEMPLATE), "--plan", "{plan}"],
    ["workbook", "export", "{plan}", "-o", "{out}/plan.xlsx"],
]
WORKBOOK_COMMANDS = [
    ["validate", "{plan}"],
    ["report", "{plan}", "-o", "{out}/strategy.md"],
    ["tiers", "{plan}"],
    ["terms", "{plan}"],
    ["workbook", "import", "{plan}", "-o", "{out}/plan.yaml"],
    ["workbook", "sync", "{plan}"],
]
FACTS_COMMANDS = [
    ["tiers", str(EXAMPLE), "--facts", "{facts}"],
    ["tiers", "review", str(EXAMPLE), "--facts", "{facts}", "--json"],
]


# --- the corpus --------------------------------------------------------------------------------------


def _example(example_data: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> str:
    data = copy.deepcopy(example_data)
    edit(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _integration(data: dict[str, Any]) -> list[dict[str, Any]]:
    partners: list[dict[str, Any]] = data["categories"]["integration"]["partners"]
    return partners


def plan_corpus(folder: Path, example_data: dict[str, Any]) -> list[Path]:
    """Bad plan files: the fixtures, and more made from the example plan."""
    made: dict[str, str | bytes] = {
        "deep.yaml": "product: " + "[" * 150 + "]" * 150 + "\n",
        "deep.json": '{"product": ' + "[" * 3000 + "]" * 3000 + "}",
        "nan.json": '{"product": NaN, "tiers": [1e999]}',
        "tabs.yaml": "product:\n\tname: x\n",
        "big.yaml": "# " + "x" * (6 * 1024 * 1024) + "\n",
        "long-override.yaml": _example(
            example_data,
            lambda d: _integration(d)[0]["overrides"].update(governing_law={"value": "x" * 4100}),
        ),
        "wrong-types.yaml": _example(
            example_data,
            lambda d: _integration(d)[0].update(name=["a", "list"], tier_since="soon", facts="none"),
        ),
        "twice.yaml": _example(
            example_data,
            lambda d: _integration(d).append(dict(_integration(d)[0], name=" northwind\u00a0ERP")),
        ),
        "markup-keys.yaml": _example(
            example_data, lambda d: d.update({"<b>x</b>": "[y](http://evil.example/)", "tiers": "{{ 7*7 }}"})
        ),
        "overrides.yaml": _example(
            example_data,
            lambda d: _integration(d)[0].update(
                overrides={"revenue_share": "abc", "exclusivity": [1], "margin_band_min": "5%", "x": 1}
            ),
        ),
        "not-a-plan.json": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    }
    paths = [p for p in sorted((FIXTURES / "plans").iterdir()) if p.is_file()]
    for name, content in made.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    paths.append(folder / "missing.yaml")
    return paths


def _declared_huge(source: Path, target: Path) -> Path:
    """The workbook with its central directory claiming a 2 GB sheet (a zip bomb's sizes)."""
    data = bytearray(source.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<L", data, at + 24, 2_000_000_000)
        at = data.find(b"PK\x01\x02", at + 46)
    target.write_bytes(bytes(data))
    return target


def _middle_of_largest_sheet(path: Path) -> int:
    """The file offset of the middle of the largest worksheet's compressed bytes (a part every reader reads)."""
    import struct
    import zipfile

    with zipfile.ZipFile(path) as archive:
        sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        largest = max(sheets, key=lambda i: i.compress_size)
    header = path.read_bytes()[largest.header_offset : largest.header_offset + 30]
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return largest.header_offset + 30 + name_length + extra_length + largest.compress_size // 2


def workbook_corpus(folder: Path, planner: Path) -> list[Path]:
    """Bad planning workbooks, made from a good one."""

    def copy_as(name: str) -> Path:
        target = folder / name
        shutil.copyfile(planner, target)
        return target

    paths = [
        add_far_cell(copy_as("far-corner.xlsx"), "Partners"),
        add_far_cell(copy_as("far-w.xlsx"), "Partners", "W1048576"),
        add_far_cell(copy_as("far-tiers.xlsx"), "Tiers", "AAA70000"),
        # The Partners table's first rows (row 3 holds its headers, below the sheet's title rows).
        drop_cached_value(copy_as("uncalculated.xlsx"), "Partners", "B4", 'CONCAT("North", "wind")'),
        show_error(copy_as("error-cell.xlsx"), "Partners", "B5"),
        replace_cell(copy_as("not-a-number.xlsx"), "Partners", "B6", '<c r="B6" t="b"><v>1</v></c>'),
        _declared_huge(planner, folder / "bomb.xlsx"),
    ]
    truncated = folder / "truncated.xlsx"
    truncated.write_bytes(planner.read_bytes()[: planner.stat().st_size // 2])
    damaged = folder / "damaged.xlsx"
    data = bytearray(planner.read_bytes())
    middle = _middle_of_largest_sheet(planner)
    data[middle : middle + 64] = bytes(64)  # a stretch of zeros inside a compressed sheet the plan reads
    damaged.write_bytes(bytes(data))
    (folder / "csv.xlsx").write_text(FACTS_CSV, encoding="utf-8")
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "page.xlsm").write_text("<!DOCTYPE html><html><body>Sign in</body></html>", encoding="utf-8")
    shutil.copyfile(TEMPLATE, folder / "document.xlsx")
    return [
        *paths,
        truncated,
        damaged,
        *(folder / n for n in ("csv.xlsx", "empty.xlsx", "page.xlsm", "document.xlsx")),
    ]


def facts_corpus(folder: Path, facts_xlsx: Path) -> list[Path]:
    """Bad facts tables: CSV and XLSX."""
    texts = {
        "bad-cells.csv": "partner,date,revenue,deals,certified_staff\nOrbit CRM,30/09/2026,$50K,2.5,many\n",
        "twice.csv": "partner,certified_staff\nZeta,1\nzeta ,2\nOrbit CRM,1\nORBIT\u00a0CRM,3\n",
        "unknown-column.csv": "partner,<b>revenue</b>,[x](y)\nOrbit CRM,1,2\n",
        "no-partner.csv": "name of firm,revenue\nOrbit CRM,1\n",
        "header-only.csv": "partner,revenue\n",
        "empty.csv": "",
        "infinite.csv": "partner,date,revenue\nOrbit CRM,2026-09-30,1e999\n",
        "semicolons.csv": "partner;date;revenue\nOrbit CRM;2026-09-30;50.000\n",
    }
    paths = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    (folder / "latin1.csv").write_bytes("partner,revenue\nCaf\xe9,1\n".encode("latin-1"))
    (folder / "binary.csv").write_bytes(b"\x00\x01PK" * 100)
    (folder / "facts.docx").write_bytes(b"PK\x03\x04")

    def copy_as(name: str) -> Path:
        target = folder / name
        shutil.copyfile(facts_xlsx, target)
        return target

    truncated = folder / "truncated.xlsx"
    truncated.write_bytes(facts_xlsx.read_bytes()[:-200])
    return [
        *paths,
        folder / "latin1.csv",
        folder / "binary.csv",
        folder / "facts.docx",
        add_far_cell(copy_as("far.xlsx"), "Facts"),
        drop_cached_value(copy_as("uncalculated.xlsx"), "Facts", "C2"),
        show_error(copy_as("error.xlsx"), "Facts", "B3"),
        truncated,
        folder / "missing.xlsx",
    ]


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory,
    example_data: dict[str, Any],
    planner_source: Path,
    facts_source: Path,
) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("corpus")
    for kind in ("plans", "workbooks", "facts"):
        (folder / kind).mkdir()
    return {
        "plans": plan_corpus(folder / "plans", example_data),
        "workbooks": workbook_corpus(folder / "workbooks", planner_source),
        "facts": facts_corpus(folder / "facts", facts_source),
    }


# --- the runs ----------------------------------------------------------------------------------------


def _filled(command: list[str], out: Path, plan: Path | None = None, facts: Path | None = None) -> list[str]:
    values = {"{plan}": str(plan), "{facts}": str(facts), "{out}": str(out)}
    filled = []
    for part in command:
        for key, value in values.items():
            part = part.replace(key, value)
        filled.append(part)
    return filled


def _run_all(commands: list[list[str]], tmp_path: Path, **files: Path) -> None:
    failures = []
    for number, command in enumerate(commands):
        out = tmp_path / f"out{number}"
        out.mkdir()
        args = _filled(command, out, **files)
        outcome = invoke(*args)
        try:
            outcome.assert_clean()
        except AssertionError as exc:
            failures.append(f"partnerkit {' '.join(args)}\n{exc}")
    assert not failures, "\n\n".join(failures)


def _name(path: Path) -> str:
    return path.name


PLAN_NAMES = [
    "aliases.yaml", "binary.yaml", "blank.yaml", "duplicates.json", "duplicates.yaml", "empty.yaml",
    "latin1.yaml", "list.yaml", "scalar.yaml", "syntax.json", "syntax.yaml", "utf16.yaml",
    "workbook-renamed.yaml", "deep.yaml", "deep.json", "nan.json", "tabs.yaml", "big.yaml",
    "long-override.yaml", "wrong-types.yaml", "twice.yaml", "markup-keys.yaml", "overrides.yaml",
    "not-a-plan.json", "missing.yaml",
]  # fmt: skip


def test_the_corpus_holds_every_fixture_plan(corpus: dict[str, list[Path]]) -> None:
    """A fixture added to tests/fixtures/plans runs through every command without a line here."""
    assert [p.name for p in corpus["plans"]] == sorted(
        p.name for p in (FIXTURES / "plans").iterdir() if p.is_file()
    ) + PLAN_NAMES[13:]


@pytest.mark.parametrize("name", PLAN_NAMES)
def test_every_plan_command_on_a_bad_plan(corpus: dict[str, list[Path]], tmp_path: Path, name: str) -> None:
    (plan,) = [p for p in corpus["plans"] if p.name == name]
    _run_all(PLAN_COMMANDS, tmp_path, plan=plan)


WORKBOOK_NAMES = [
    "far-corner.xlsx", "far-w.xlsx", "far-tiers.xlsx", "uncalculated.xlsx", "error-cell.xlsx",
    "not-a-number.xlsx", "bomb.xlsx", "truncated.xlsx", "damaged.xlsx", "csv.xlsx", "empty.xlsx",
    "page.xlsm", "document.xlsx",
]  # fmt: skip


@pytest.mark.parametrize("name", WORKBOOK_NAMES)
def test_every_workbook_command_on_a_bad_workbook(
    corpus: dict[str, list[Path]], tmp_path: Path, name: str
) -> None:
    (book,) = [p for p in corpus["workbooks"] if p.name == name]
    copy = tmp_path / name  # sync writes the problems it finds into a workbook it can read
    shutil.copyfile(book, copy)
    _run_all(WORKBOOK_COMMANDS, tmp_path, plan=copy)


FACTS_NAMES = [
    "bad-cells.csv", "twice.csv", "unknown-column.csv", "no-partner.csv", "header-only.csv",
    "empty.csv", "infinite.csv", "semicolons.csv", "latin1.csv", "binary.csv", "facts.docx", "far.xlsx",
    "uncalculated.xlsx", "error.xlsx", "truncated.xlsx", "missing.xlsx",
]  # fmt: skip


@pytest.mark.parametrize("name", FACTS_NAMES)
def test_every_facts_command_on_a_bad_facts_table(
    corpus: dict[str, list[Path]], tmp_path: Path, name: str
) -> None:
    (facts,) = [p for p in corpus["facts"] if p.name == name]
    _run_all(FACTS_COMMANDS, tmp_path, facts=facts)


@pytest.mark.parametrize(
    "command",
    [
        ["report", "{plans}/deep.yaml", "-o", "{out}/strategy.md"],
        ["validate", "{plans}/not-a-plan.json"],
        ["workbook", "sync", "{workbooks}/damaged.xlsx"],
        ["tiers", str(EXAMPLE), "--facts", "{facts}/truncated.xlsx"],
    ],
)
def test_a_few_through_the_installed_command(
    corpus: dict[str, list[Path]], tmp_path: Path, command: list[str]
) -> None:
    places = {
        "{plans}": str(corpus["plans"][-1].parent),
        "{workbooks}": str(corpus["workbooks"][0].parent),
        "{facts}": str(corpus["facts"][0].parent),
        "{out}": str(tmp_path),
    }
    args = []
    for part in command:
        for key, value in places.items():
            part = part.replace(key, value)
        args.append(part)
    run(*args).assert_clean()
