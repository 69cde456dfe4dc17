"""The companion Python module of a planning workbook: planner.xlsm runs planner.py's main()."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

TEMPLATE_NAME = "planner"


def companion_source(stem: str = TEMPLATE_NAME) -> str:
    """The companion module's source for a workbook called ``stem``.xlsm."""
    # workbook/planner.py at the top of the repository ships as the package data partnerkit.companion.
    template = resources.files("partnerkit.companion").joinpath(f"{TEMPLATE_NAME}.py")
    return (
        template.read_text(encoding="utf-8")
        .replace(f"{TEMPLATE_NAME}.xlsm", f"{stem}.xlsm")
        .replace(f"{TEMPLATE_NAME}.py", f"{stem}.py")
    )


def write_companion(workbook: Path) -> tuple[Path, bool]:
    """Write the companion module beside ``workbook``; an existing, different one is kept.

    Returns the module's path and whether an existing file was kept.
    """
    from partnerkit.io.files import write_text_atomic

    target = workbook.with_suffix(".py")
    source = companion_source(workbook.stem)
    if target.exists() and target.read_text(encoding="utf-8", errors="replace") != source:
        return target, True
    write_text_atomic(target, source)
    return target, False
