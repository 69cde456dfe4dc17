"""Compiled Word templates kept between runs: a template is compiled once per content, not once per command.

Compiling an agreement template (docxtpl's clean-up of Word's XML, the layout and reference checks,
Jinja's compiler) takes a quarter of a second, as long as rendering forty drafts; a command that
drafts or compares one agreement spent a third of its time on it. The compiled template
(``WordTemplate.export``) is kept in partnerkit's cache folder under a key made of the template's
bytes, its kind, and the versions of Python, of partnerkit's own code and of the libraries that
compile it, so that a change to any of them compiles afresh.

The folder is ``PARTNERKIT_CACHE_DIR`` when that is set (set it to an empty value to keep no
cache), else the user's cache folder (``~/.cache/partnerkit``, ``%LOCALAPPDATA%\\partnerkit``,
``~/Library/Caches/partnerkit``). Loading a cached template runs its compiled code, as Python runs
``__pycache__``, so a cache folder that another user owns or may write to is not used. A file that
cannot be read is compiled again; a cache that cannot be written is done without.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

CACHE_ENV = "PARTNERKIT_CACHE_DIR"
_LIBRARIES = ("jinja2", "docxtpl", "lxml", "docx")


def cache_folder() -> Path | None:
    """Where compiled templates are kept, or None when the cache is switched off."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given).expanduser() if given.strip() else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "partnerkit" / "cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "partnerkit"
    base = os.environ.get("XDG_CACHE_HOME") or ""
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "partnerkit"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """partnerkit's code and the compiling libraries, as a digest: any change makes new keys.

    Size and time of each file, as Python's own bytecode cache checks its sources: every module of
    partnerkit, and the first module of each library (an upgrade writes it anew).
    """
    from importlib.util import find_spec

    digest = hashlib.sha256(sys.version.encode())
    files: list[str] = []
    for name in _LIBRARIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            files.append(spec.origin)
    folders = [str(Path(__file__).resolve().parents[2])]  # the partnerkit package
    while folders:
        with os.scandir(folders.pop()) as found:
            for entry in found:
                if entry.is_dir() and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    files.append(entry.path)
    for path in sorted(files):
        with contextlib.suppress(OSError):
            stat = os.stat(path)
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def template_key(data: bytes, kind: str) -> str:
    """The cache key of a template: its bytes, the class that compiles it, and the code's version."""
    digest = hashlib.sha256(data)
    digest.update(f"\0{kind}\0{_code_version()}".encode())
    return digest.hexdigest()


def _private(folder: Path) -> bool:
    """True when ``folder`` is the user's own and nobody else may write to it (always true on Windows)."""
    if not hasattr(os, "getuid"):
        return True
    try:
        stat = folder.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def load_cached(key: str) -> object | None:
    """What was kept under ``key`` (a compiled template), or None (none kept, unreadable, an unsafe folder)."""
    folder = cache_folder()
    if folder is None or not _private(folder):
        return None
    try:
        with (folder / f"{key}.pickle").open("rb") as handle:
            compiled = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or outdated file: the template is compiled again, and the file replaced
        return None
    return compiled


def save_cached(key: str, compiled: object) -> None:
    """Keep a compiled template under ``key``; quietly nothing when the folder cannot be used."""
    from partnerkit.io.files import write_bytes_atomic

    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _private(folder):
            write_bytes_atomic(folder / f"{key}.pickle", pickle.dumps(compiled, protocol=5), durable=False)
    except OSError:
        return
