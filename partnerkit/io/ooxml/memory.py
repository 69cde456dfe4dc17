"""Hand the memory a large read freed back to the system, where the C library would keep it."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library is another (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here: only a large read needs it

    try:
        # The symbols the interpreter is linked with: glibc's, or musl's, which has no malloc_trim.
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_freed_memory() -> None:
    """Return the heap that python-calamine freed to the system.

    calamine builds a sheet's cells in Rust (about 140 MB for 100,000 partner rows) and frees them once
    Python has its own copy. glibc keeps that freed heap for later ``malloc`` calls, but Python's objects
    come from its own arenas and rarely reuse it, so without this the process carries the whole sheet
    twice for the rest of the run. A no-op where the C library has no ``malloc_trim``.
    """
    trim = _trim()
    if trim is not None:
        trim(0)
