"""The agreement batch on several processes: forked workers taking the next item, spawned ones, file names."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from partnerkit.errors import TemplateError
from partnerkit.io.word.batch import render_all_agreements
from partnerkit.io.word.outline import outline
from partnerkit.io.word.workers import can_fork, run_shares
from partnerkit.model import Plan

from .conftest import partner_data, plan_of

forking = pytest.mark.skipif(not can_fork(), reason="workers are forked on Linux only")


class _EveryProcess:
    """Work whose first item in each process waits until every process holds one: all of them work."""

    def __init__(self, processes: int, fail_in_worker: bool = False, die_in_worker: bool = False) -> None:
        self.parent = os.getpid()
        self.barrier = multiprocessing.get_context("fork").Barrier(processes)
        self.fail_in_worker = fail_in_worker
        self.die_in_worker = die_in_worker
        self.seen: set[int] = set()  # each process has its own copy after the fork

    def __call__(self, item: int) -> tuple[int, int]:
        if os.getpid() not in self.seen:
            self.seen.add(os.getpid())
            self.barrier.wait(timeout=30)
        if self.fail_in_worker and os.getpid() != self.parent:
            raise ValueError("a worker's item is bad")
        if self.die_in_worker and os.getpid() != self.parent:
            os._exit(9)  # as the kernel's out-of-memory killer would end it: no word sent back
        return item, os.getpid()


@forking
def test_every_process_takes_items_and_every_result_comes_back_once() -> None:
    results = list(run_shares(_EveryProcess(3), list(range(40)), 3))
    assert sorted(item for item, _ in results) == list(range(40))  # each item done once
    processes = {pid for _, pid in results}
    assert len(processes) == 3 and os.getpid() in processes


class _SlowHere:
    """Work that takes longer in the process that made it (busy with other things, say)."""

    def __init__(self) -> None:
        self.parent = os.getpid()

    def __call__(self, item: int) -> tuple[int, int]:
        if os.getpid() == self.parent:
            time.sleep(0.02)
        return item, os.getpid()


@forking
def test_a_busy_process_takes_fewer_items() -> None:
    results = list(run_shares(_SlowHere(), list(range(200)), 2))
    assert sorted(item for item, _ in results) == list(range(200))
    here = sum(1 for _, pid in results if pid == os.getpid())
    assert here < 100  # dealt out in halves, this process would have done 100


@forking
def test_an_error_in_a_forked_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="a worker's item is bad"):
        list(run_shares(_EveryProcess(2, fail_in_worker=True), list(range(10)), 2))


@forking
def test_a_worker_that_dies_is_reported_in_partnerkits_words() -> None:
    with pytest.raises(TemplateError, match="rendering stopped a worker process"):
        list(run_shares(_EveryProcess(2, die_in_worker=True), list(range(10)), 2))


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


def _die_holding(next_item: Any) -> None:
    next_item._lock.acquire()
    os._exit(9)


@forking
def test_a_worker_that_dies_holding_the_counter_stops_nobody_for_ever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from partnerkit.io.word import workers

    monkeypatch.setattr(workers, "_LOCK_SECONDS", 0.2)
    context = multiprocessing.get_context("fork")
    next_item = workers._NextItem(context)
    assert [next_item.take(), next_item.take()] == [0, 1]
    child = context.Process(target=_die_holding, args=(next_item,))
    child.start()
    child.join()
    assert next_item.take() is None  # run_shares then reports the dead worker (TemplateError)
