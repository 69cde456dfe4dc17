"""Pause Python's cyclic garbage collector while building many objects that form no cycles.

It lives at the bottom of the package (standard library only), so a command can pause the collector
before it imports the plan model, and every layer can use it without importing the tier engine.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers.

    A tier evaluation, a large read or a deals check allocates millions of tuples and lists that form
    no cycles; letting the collector scan them repeatedly costs more than the work itself. What is still
    alive at the end is the result, which lives on: it goes straight to the oldest generation
    (``freeze`` then ``unfreeze``, two list splices) instead of being walked, reference by
    reference, by the next young collection only to be promoted there anyway. Nothing is kept
    from the collector: the next full collection sees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
