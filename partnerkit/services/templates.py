"""The agreement templates legal edits: copy the shipped ones out, and check an edited one."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.io.word.variables import TemplateReport
    from partnerkit.loaded import LoadedPlan


@dataclass(frozen=True)
class TemplatesExport:
    """The templates copied out, and those kept because a file of that name was there already."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def export_templates(folder: str | Path, *, force: bool = False) -> TemplatesExport:
    """Copy the shipped agreement templates into ``folder`` to edit in Word; existing files are kept
    unless ``force`` (an edited template is never overwritten by accident)."""
    from partnerkit.io.word.agreement import TEMPLATE_FILES, template_path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = TemplatesExport()
    for kind, name in TEMPLATE_FILES.items():
        target = folder / name
        if target.exists() and not force:
            result.kept.append(target)
            continue
        shutil.copyfile(template_path(kind), target)
        result.written.append(target)
    return result


def check_template(
    path: str | Path, loaded: LoadedPlan | None = None, *, kind: str | None = None
) -> TemplateReport:
    """Check a template against a plan's terms (default: the example plan): variables it uses that the
    terms lack, and terms it never shows. Raises TemplateError for a file that is not a usable template."""
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.word.variables import check_template_file

    plan = require_plan(loaded) if loaded is not None else load_example_plan()
    return check_template_file(Path(path), plan, kind=kind)
