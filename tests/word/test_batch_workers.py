"""The agreement batch on several processes: forked workers with their share, spawned ones, file names."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from partnerkit.io.word.batch import render_all_agreements
from partnerkit.io.word.outline import outline
from partnerkit.io.word.workers import can_fork, run_shares
from partnerkit.model import Plan

from .conftest import partner_data, plan_of

forking = pytest.mark.skipif(not can_fork(), reason="workers are forked on Linux only")


def _item_and_process(item: int) -> tuple[int, int]:
    return item, os.getpid()


def _fails_on_three(item: int) -> int:
    if item == 3:
        raise ValueError("item three is bad")
    return item


@forking
def test_shares_are_done_on_every_worker_and_every_result_comes_back() -> None:
    results = list(run_shares(_item_and_process, list(range(40)), 3))
    assert sorted(item for item, _ in results) == list(range(40))
    by_process: dict[int, list[int]] = {}
    for item, pid in results:
        by_process.setdefault(pid, []).append(item)
    assert len(by_process) == 3 and os.getpid() in by_process
    # Dealt out in turn: this process has items 0, 3, 6...; each worker one of the other residues.
    assert sorted(by_process.pop(os.getpid())) == list(range(0, 40, 3))
    assert sorted(sorted(items)[0] for items in by_process.values()) == [1, 2]


@forking
def test_an_error_in_a_forked_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="item three is bad"):
        list(run_shares(_fails_on_three, list(range(10)), 2))  # item 3 is the worker's


def _same_drafts(a: Any, b: Any) -> None:
    assert [(d.partner, d.path.name) for d in a.written] == [(d.partner, d.path.name) for d in b.written]
    assert [(s.partner, s.reasons) for s in a.skipped] == [(s.partner, s.reasons) for s in b.skipped]
    for one, two in zip(a.written, b.written, strict=True):
        assert one.path.read_bytes() == two.path.read_bytes()
        assert one.sha256 == two.sha256 and one.problems == two.problems


@forking
def test_forked_workers_write_what_one_process_writes(plan_data: dict[str, Any], tmp_path: Path) -> None:
    partner_data(plan_data, "Meridian MSP")["overrides"] = {"partner_discount": "55%"}  # a lint error
    plan = plan_of(plan_data)
    seen: list[str] = []
    one = render_all_agreements(plan, tmp_path / "one", workers=1)
    two = render_all_agreements(plan, tmp_path / "two", workers=2, progress=seen.append)
    _same_drafts(one, two)
    assert [s.partner for s in two.skipped] == ["Meridian MSP"]
    assert sorted(seen) == sorted(p.name for category, p in plan.partners() if category.value != "Ecosystem")
    names = sorted(p.name for p in (tmp_path / "two").iterdir())
    assert names == sorted(d.path.name for d in two.written)  # no temporary file left over


def test_with_a_thread_running_the_workers_are_spawned_and_write_the_same(
    example_plan: Plan, tmp_path: Path
) -> None:
    one = render_all_agreements(example_plan, tmp_path / "one", workers=1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        two = render_all_agreements(example_plan, tmp_path / "two", workers=2)
    finally:
        stop.set()
        thread.join()
    _same_drafts(one, two)


@pytest.mark.parametrize("workers", [1, 2])
def test_partners_whose_names_give_the_same_file_get_numbered_files(
    plan_data: dict[str, Any], tmp_path: Path, workers: int
) -> None:
    partner_data(plan_data, "Keystone IT Partners")["name"] = "Keystone IT"
    partner_data(plan_data, "Ledger & Lane CPAs")["name"] = "Keystone & IT"
    partner_data(plan_data, "Brightline Advisory")["overrides"] = {"partner_discount": "55%"}  # no file
    result = render_all_agreements(plan_of(plan_data), tmp_path, workers=workers)
    files = {d.partner: d.path.name for d in result.written}
    # The number counts the files named before: the nine integration partners' and Keystone IT's.
    assert files["Keystone IT"] == "Keystone-IT.docx" and files["Keystone & IT"] == "Keystone-IT-10.docx"
    assert [s.partner for s in result.skipped] == ["Brightline Advisory"]
    assert any("Keystone & IT" in line for line in outline(tmp_path / "Keystone-IT-10.docx"))


@forking
def test_a_file_that_exists_is_kept_by_the_workers_too(example_plan: Plan, tmp_path: Path) -> None:
    (tmp_path / "Stackpay.docx").write_bytes(b"edited by hand")
    result = render_all_agreements(example_plan, tmp_path, workers=2)
    assert [(s.partner, s.kept) for s in result.skipped] == [("Stackpay", True)]
    assert (tmp_path / "Stackpay.docx").read_bytes() == b"edited by hand"
    assert len(result.written) == 17
