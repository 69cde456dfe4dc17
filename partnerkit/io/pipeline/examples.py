"""The shipped example files of a running program: a deals export and survey responses for the example plan."""

from __future__ import annotations

from pathlib import Path

_EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def example_deals_path() -> Path:
    """The example deals export (CSV) that goes with the example plan (docs/deals.md works through it)."""
    return _EXAMPLES / "ledgerly-deals.csv"


def example_survey_path() -> Path:
    """The example partner survey responses (CSV) that go with the example plan."""
    return _EXAMPLES / "ledgerly-survey.csv"
