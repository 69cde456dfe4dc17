"""``--json`` output: the text of json.dumps(indent=2), written a piece at a time."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from partnerkit.commands import _common
from partnerkit.commands._common import _default, print_json


def test_json_is_written_in_chunks_with_the_same_text(capsys: pytest.CaptureFixture[str]) -> None:
    # more than one chunk: records with nested ones, dates and exact amounts (through ``default``)
    findings = [
        {
            "row": n,
            "deal_id": f"D-{n}",
            "winner": {"partner": "Brightline Advisory", "deal_id": "D-1"} if n % 3 else None,
            "amount": Decimal("1200.50"),
            "protected_until": date(2026, 9, 30),
            "reason": 'conflicts with "Brightline"\nÜnïcode — kept as written',
        }
        for n in range(12_000)
    ]
    data = {"as_of": "2026-09-30", "findings": findings}
    expected = json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n"
    assert len(expected) > 2 * _common._JSON_CHUNK
    print_json(data)
    assert capsys.readouterr().out == expected
