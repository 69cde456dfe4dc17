"""Names a package exports and loads on first use (PEP 562), so importing the package imports none of them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: MutableMapping[str, Any], listed: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: each name of ``exports`` (name -> module that
    defines it) is imported when first asked for and kept in ``namespace``; ``dir()`` shows ``listed``."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # asked once: later uses are plain lookups
        return value

    def __dir__() -> list[str]:
        return sorted(listed)

    return __getattr__, __dir__
