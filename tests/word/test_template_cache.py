"""Compiled templates kept between runs: used when they match, compiled again when they do not or cannot be trusted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from partnerkit.io.word.agreement import template_path
from partnerkit.io.word.cache import cache_folder
from partnerkit.io.word.drafting import AgreementTemplate

CONTEXT_PARTNER = "Brightline Advisory"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", str(folder))
    return folder


def _draft(template: AgreementTemplate) -> bytes:
    from partnerkit.deals import build_terms
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.word.agreement import agreement_context

    plan = load_example_plan()
    context = agreement_context(build_terms(plan, CONTEXT_PARTNER), as_of=plan.product.date)
    return template.render(context).data


def test_a_template_compiled_once_is_taken_from_the_cache_and_renders_the_same(cache: Path) -> None:
    fresh = AgreementTemplate(template_path("reseller").read_bytes(), name="fresh")
    first = AgreementTemplate.load(template_path("reseller"), name="first")
    (kept,) = cache.glob("*.pickle")
    written = kept.stat().st_ino
    second = AgreementTemplate.load(template_path("reseller"), name="second")
    assert isinstance(second, AgreementTemplate)
    assert kept.stat().st_ino == written  # read, not compiled and written again
    assert second.name == "second"  # messages name the template as this caller does
    assert _draft(second) == _draft(first) == _draft(fresh)
    assert second.framework == "reseller" and second.structure.headings == fresh.structure.headings
    assert second.trees.keys() == fresh.trees.keys()
    assert second.findings("reseller") == fresh.findings("reseller")


def test_a_changed_template_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    data = template_path("reseller").read_bytes()
    changed = tmp_path / "changed.docx"
    changed.write_bytes(data + b"\0")  # a zip may carry bytes after its end: another file, same parts
    AgreementTemplate.load(template_path("reseller"))
    AgreementTemplate.load(changed)
    assert len(list(cache.glob("*.pickle"))) == 2


def test_a_damaged_cache_file_is_compiled_again_and_replaced(cache: Path) -> None:
    AgreementTemplate.load(template_path("integration"))
    (kept,) = cache.glob("*.pickle")
    kept.write_bytes(b"not a pickle")
    template = AgreementTemplate.load(template_path("integration"))
    assert template.framework == "integration"
    assert kept.read_bytes() != b"not a pickle"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_cache_folder_others_may_write_to_is_not_used(cache: Path) -> None:
    cache.mkdir()
    os.chmod(cache, 0o777)
    AgreementTemplate.load(template_path("integration"))
    assert list(cache.iterdir()) == []


def test_an_empty_setting_keeps_no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", "")
    assert cache_folder() is None
    monkeypatch.delenv("PARTNERKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = tmp_path / "partnerkit" if sys.platform.startswith("linux") else cache_folder()
    assert cache_folder() == expected
