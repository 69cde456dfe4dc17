"""Rendering in worker processes: every core for a large batch, and limits for a user's own template.

Each worker compiles the templates once (in its initializer) and then only renders and writes. A
template the user supplied may loop for ever or build a huge string (the Jinja sandbox stops neither),
so with ``limited=True`` each worker caps its address space and each document gets a time budget;
a worker that dies or hangs turns into a TemplateError, never a hung command.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.errors import TemplateError
from partnerkit.io.word.engine import WordTemplate
from partnerkit.problems import Problem

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_FROM = 48

SECONDS_PER_DOCUMENT = 20.0
CHUNK = 8  # documents per call to a worker for the default templates
MEMORY_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Job:
    """One document to write: which template (by key), its context, and where.

    ``subject`` (the partner) is named in error messages; ``durable=False`` leaves the flush to disk
    to the batch, which syncs the folder once.
    """

    template: str
    context: dict[str, Any]
    path: str
    subject: str | None = None
    durable: bool = True


@dataclass(frozen=True)
class Done:
    """A written document (with its SHA-256), or the error that stopped it."""

    path: str
    problems: list[Problem]
    error: str | None = None
    sha256: str = ""


@dataclass(frozen=True)
class CompiledFile:
    """Templates compiled by the parent process, saved to a private file for the workers to load.

    Loading one takes a worker a few milliseconds, where compiling it again took a third of a
    second and the imports of python-docx, docxtpl and the plan model.
    """

    path: Path
    key: str


def save_compiled(templates: dict[str, WordTemplate], folder: Path) -> dict[str, CompiledFile]:
    """Write the compiled templates into ``folder`` (a private temporary folder) for the workers."""
    import pickle

    path = folder / "templates.pickle"
    with path.open("wb") as handle:
        pickle.dump({key: template.export() for key, template in templates.items()}, handle)
    return {key: CompiledFile(path, key) for key in templates}


_LOADED: dict[Path, dict[str, Any]] = {}


# A template is given to the workers as (source, name) or (source, name, "agreement"), the source being
# the .docx's bytes or its path; an agreement template is compiled with its layout and reference
# checks (io/word/drafting.py). A path is better: a spawned worker reads the arguments of its
# initializer only after importing, so bytes over the pipe's 64 KiB make the parent wait for each
# worker in turn.
TemplateSpec = tuple[bytes | Path, str] | tuple[bytes | Path, str, str] | CompiledFile

_TEMPLATES: dict[str, WordTemplate] = {}
_SECONDS: float | None = None


class _OutOfTime(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _OutOfTime


def compile_template(spec: TemplateSpec) -> WordTemplate:
    """The compiled template a spec names: a plain Word template, or an agreement template."""
    if isinstance(spec, CompiledFile):
        import pickle

        if spec.path not in _LOADED:
            # Written by this batch's own parent process into its private folder, a moment ago.
            with spec.path.open("rb") as handle:
                _LOADED[spec.path] = pickle.load(handle)
        compiled = _LOADED[spec.path][spec.key]
        if compiled.extra:
            from partnerkit.io.word.drafting import AgreementTemplate

            return AgreementTemplate.from_export(compiled)
        return WordTemplate.from_export(compiled)
    source = spec[0]
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read template {spec[1]}: {exc.strerror or exc}") from exc
    else:
        data = source
    if len(spec) == 3 and spec[2] == "agreement":
        from partnerkit.io.word.drafting import AgreementTemplate

        return AgreementTemplate(data, name=spec[1])
    return WordTemplate(data, name=spec[1])


def init_worker(templates: dict[str, TemplateSpec], limited: bool, seconds: float, memory: int) -> None:
    """Compile the templates once per worker; cap memory and arm the clock for a user's template."""
    global _SECONDS
    if limited:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        signal.signal(signal.SIGALRM, _alarm)
        _SECONDS = seconds
    _TEMPLATES.clear()
    for key, spec in templates.items():
        _TEMPLATES[key] = compile_template(spec)
    _LOADED.clear()


def render_job(job: Job) -> Done:
    """Render and write one document in a worker; errors come back as text, never as a dead worker."""
    template = _TEMPLATES[job.template]
    if _SECONDS is not None:
        signal.setitimer(signal.ITIMER_REAL, _SECONDS)
    try:
        rendered = template.write(
            job.path, job.context, verify=_SECONDS is not None, subject=job.subject, durable=job.durable
        )
        return Done(job.path, rendered.problems, sha256=rendered.sha256)
    except _OutOfTime:
        return Done(
            job.path, [], f"{template.name}: rendering took longer than {_SECONDS:g} seconds; stopped"
        )
    except MemoryError:
        return Done(job.path, [], f"{template.name}: rendering needed more memory than allowed; stopped")
    except TemplateError as exc:
        return Done(job.path, [], str(exc))
    finally:
        if _SECONDS is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)


def render_chunk(jobs: list[Job]) -> list[Done]:
    """Render several jobs in one worker call: fewer round trips between processes."""
    return [render_job(job) for job in jobs]


def _render_here(templates: Mapping[str, WordTemplate], jobs: list[Job]) -> list[Done]:
    """Render jobs in this process, with templates compiled here (trusted ones only)."""
    out = []
    for job in jobs:
        try:
            rendered = templates[job.template].write(
                job.path, job.context, subject=job.subject, durable=job.durable
            )
            out.append(Done(job.path, rendered.problems, sha256=rendered.sha256))
        except TemplateError as exc:
            out.append(Done(job.path, [], str(exc)))
    return out


def run_jobs(
    jobs: Iterable[Job],
    templates: dict[str, TemplateSpec],
    *,
    workers: int | None = None,
    limited: bool = False,
    seconds: float = SECONDS_PER_DOCUMENT,
    memory: int = MEMORY_BYTES,
    on_done: Callable[[Done], None] | None = None,
    here: Mapping[str, WordTemplate] | None = None,
) -> Iterator[Done]:
    """Render ``jobs`` in ``workers`` processes (every core by default), yielding each as it finishes.

    With ``here`` (the same templates, compiled in this process; never a user's template, which
    renders only under the workers' limits) this process is one of the ``workers``: it renders a
    chunk itself whenever no worker has finished one, so it works from the first moment while the
    workers start. At most a few jobs per worker are in flight, so memory stays flat however long the
    batch is.
    """
    count = workers or os.cpu_count() or 1
    children = count - 1 if here is not None and not limited else count
    here = here if children < count else None
    # A user's template goes one document per call, so a runaway one is stopped on its own.
    size = 1 if limited else CHUNK
    source = iter(jobs)
    if children <= 0:
        assert here is not None
        while chunk := list(itertools.islice(source, size)):
            yield from _render_here(here, chunk)
        return
    # Here, not at the top: the forked batch needs none of it, and it would delay its workers' start.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # no fork: safe with threads (rich's progress bar)
    pool = ProcessPoolExecutor(
        max_workers=children,
        mp_context=context,
        initializer=init_worker,
        initargs=(templates, limited, seconds, memory),
    )
    pending: dict[Future[list[Done]], list[Job]] = {}
    window = 4 * children
    exhausted = False
    # A generous wall-clock guard on top of each worker's own alarm.
    guard = seconds * 3 + 60
    try:
        while True:
            while not exhausted and len(pending) < window:
                chunk = list(itertools.islice(source, size))
                if not chunk:
                    exhausted = True
                    break
                pending[pool.submit(render_chunk, chunk)] = chunk
            if not pending:
                return
            finished = {future for future in pending if future.done()}
            if not finished and here is not None and not exhausted:
                chunk = list(itertools.islice(source, size))
                if chunk:
                    for done in _render_here(here, chunk):
                        if on_done is not None:
                            on_done(done)
                        yield done
                    continue
                exhausted = True
            if not finished:
                finished, _ = wait(pending, timeout=guard, return_when=FIRST_COMPLETED)
            if not finished:
                _kill(pool)
                raise TemplateError(f"rendering stopped: no document finished within {guard:g} seconds")
            for future in finished:
                chunk = pending.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    names = ", ".join(Path(job.path).name for job in chunk)
                    raise TemplateError(
                        f"rendering {names} stopped its worker (out of memory or crashed)"
                    ) from None
                for done in results:
                    if on_done is not None:
                        on_done(done)
                    yield done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def render_limited(
    template: Path,
    job_context: dict[str, Any],
    path: Path,
    *,
    seconds: float = SECONDS_PER_DOCUMENT,
    memory: int = MEMORY_BYTES,
    subject: str | None = None,
    kind: str = "agreement",
) -> tuple[list[Problem], str]:
    """Render a user's template into ``path`` in one limited worker: its warnings and the file's SHA-256.

    TemplateError when it fails. ``kind`` is "agreement" for an agreement template, "" for a plain one.
    """
    import tempfile

    spec: TemplateSpec = (template, str(template), kind) if kind else (template, str(template))
    compiled = compile_template(spec)  # compile here: a bad template fails before any worker starts
    jobs = [Job("user", job_context, str(path), subject=subject)]
    with tempfile.TemporaryDirectory(prefix="partnerkit-") as work:
        specs = save_compiled({"user": compiled}, Path(work))
        for done in run_jobs(jobs, dict(specs), workers=1, limited=True, seconds=seconds, memory=memory):
            if done.error:
                raise TemplateError(done.error)
            return done.problems, done.sha256
    raise TemplateError(f"{template}: nothing was rendered")  # pragma: no cover - one job, one result


# --- forked workers taking the next item as they go ------------------------------------------------

# Results a forked worker sends back per message: fewer, larger messages cost the parent less.
_SEND_EVERY = 8


def can_fork() -> bool:
    """True where workers can be forked safely: Linux, and this process runs no other thread.

    A forked worker starts in a moment with everything this process has loaded (the plan, the
    compiled templates), where a spawned one imports and loads it all again. Forking a process that
    runs threads can leave a lock held for ever in the child, and macOS's system libraries do not
    survive a fork, so elsewhere the batch spawns its workers.
    """
    import sys
    import threading

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


# A process holds the counter's lock for a microsecond; one that still holds it after this long died
# holding it (killed for memory, say), and waiting on would hang the batch.
_LOCK_SECONDS = 10.0


class _NextItem:
    """The number of the next item to do, shared by this process and the workers it forks.

    Each process takes one item at a time, so all of them finish within one item of each other,
    however busy the machine or this process (which also hands on results and draws the progress
    bar). The number lives in a page of memory every forked process shares; a lock makes each take
    one at a time.
    """

    def __init__(self, context: Any) -> None:
        import ctypes
        import mmap

        self._page = mmap.mmap(-1, ctypes.sizeof(ctypes.c_int64))  # anonymous: shared after a fork
        self._next = ctypes.c_int64.from_buffer(self._page)
        self._lock = context.Lock()

    def take(self) -> int | None:
        """The next item's number (every call gets another one); None when a dead process holds the lock."""
        if not self._lock.acquire(timeout=_LOCK_SECONDS):
            return None
        try:
            number: int = self._next.value
            self._next.value = number + 1
        finally:
            self._lock.release()
        return number


_DIED = "rendering stopped a worker process (out of memory or crashed)"


def _share_worker(
    work: Callable[[Any], Any],
    items: list[Any],
    next_item: _NextItem,
    connection: multiprocessing.connection.Connection,
) -> None:
    """In a forked worker: do ``work`` on item after item, sending the results in small batches."""
    try:
        batch: list[Any] = []
        while (number := next_item.take()) is not None and number < len(items):
            batch.append(work(items[number]))
            if len(batch) >= _SEND_EVERY:
                connection.send(("done", batch))
                batch = []
        connection.send(("done", batch))
        connection.send(("end", None))
    except BaseException as exc:
        try:
            connection.send(("error", exc))
        except Exception:
            connection.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        connection.close()


Each = Callable[[Callable[[Any], Any], list[Any]], Iterable[Any]]
"""How a batch does its items: ``each(work, items)`` gives ``work(item)`` for every item, in no
particular order (``batch_map``)."""


def batch_map(workers: int | None, count: int) -> Each:
    """How to do a batch of ``count`` items: on ``workers`` processes (every core when None and the
    batch is large) where they can be forked (``run_shares``), else one after another in this one."""
    processes = workers if workers is not None else (os.cpu_count() or 1) if count >= PARALLEL_FROM else 1
    if processes > 1 and can_fork():
        return lambda work, items: run_shares(work, items, processes)
    return map


def run_shares(work: Callable[[Any], Any], items: list[Any], workers: int) -> Iterator[Any]:
    """``work(item)`` for every item, on ``workers`` processes: this one and forked ones (see ``can_fork``).

    Nothing is sent to a worker: it inherits the items and whatever ``work`` uses. Every process,
    this one included, takes the next item not yet taken until none is left (``_NextItem``), so
    each does as much as its core allows and they finish together; between two items this process
    hands on the results the workers sent. Results come in no particular order; an exception in a
    worker is raised here.
    """
    from multiprocessing.connection import wait as wait_for

    count = max(1, min(workers, len(items)))
    context = multiprocessing.get_context("fork")
    next_item = _NextItem(context)
    children: list[multiprocessing.process.BaseProcess] = []
    readers: list[multiprocessing.connection.Connection] = []
    # The objects made so far (the plan, the templates) leave the garbage collector's view: a worker
    # that collected them would write to every one of them and so copy all their memory.
    gc.freeze()
    try:
        for _ in range(count - 1):
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(target=_share_worker, args=(work, items, next_item, writer), daemon=True)
            child.start()
            writer.close()  # the child holds the only writing end: its exit ends the pipe
            children.append(child)
            readers.append(reader)
        open_readers = list(readers)

        def received(block: bool) -> Iterator[Any]:
            ready = wait_for(open_readers, timeout=None if block else 0)
            for reader in ready:
                assert isinstance(reader, multiprocessing.connection.Connection)
                try:
                    what, payload = reader.recv()
                except EOFError:
                    raise TemplateError(_DIED) from None
                if what == "error":
                    raise payload
                if what == "end":
                    open_readers.remove(reader)
                    reader.close()
                else:
                    yield from payload

        while (number := next_item.take()) is not None and number < len(items):
            yield work(items[number])
            if open_readers:
                yield from received(block=False)
        if number is None:
            raise TemplateError(_DIED)
        while open_readers:
            yield from received(block=True)
    finally:
        gc.unfreeze()
        for process in children:
            if process.is_alive():
                process.kill()
            process.join()
        for reader in readers:
            reader.close()
