"""The Markdown strategy shows plan text as typed: nothing a partner name or a rationale holds becomes markup.

Before, only ``|`` was escaped: ``<img src=x onerror=...>``, ``<b>``, HTML comments and
``[text](http://...)`` links in plan text became live markup in any Markdown viewer, and NUL, BEL
and ESC were written as they were. The test renders a plan whose every text holds payloads with
markdown-it-py and compares its token stream with the same plan holding plain words: the same
blocks, and no HTML, link, image, emphasis or code from plan text.
"""

from __future__ import annotations

import copy
import itertools
import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from annotated_types import MaxLen
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import BaseModel

from partnerkit.io.word.text import clean_text as word_clean_text
from partnerkit.model import Plan
from partnerkit.model.tiers import Tier
from partnerkit.report.markdown import render_markdown, text
from partnerkit.report.plaintext import clean_text
from tests.golden.test_markdown_and_word_agree import markdown_sections, word_sections
from tests.hostile.run import invoke

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> <script>alert(1)</script>",
    "<!-- hidden --> <?php x ?> <![CDATA[x]]>",
    "[click](http://evil.example/) ![img](http://evil.example/x.png)",
    "<http://evil.example/> <mail@evil.example>",
    "see http://evil.example/x and www.evil.example and mail@evil.example",
    "*em* **strong** _u_ __uu__ ~~strike~~ ~s~",
    "`code` ``code``",
    "# Heading",
    "## Heading ##",
    "> quote",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "2026) item",
    "| a | b |",
    "---",
    "===",
    "***",
    "```python",
    "~~~",
    "&amp; &#60; &#x3C; &copy;",
    "\\*not emphasis\\* \\",
    "[ref]: http://evil.example/",
    "[^1] [x][ref]",
    "- [ ] task",
    "nul\x00bel\x07esc\x1b[31mred\x7f\x9b",
    "trailing #",
    "<div>block</div>",
    "a\\|b",
]
PLAIN = "plain words"
URL = "https://evil.example/a b)<img src=x>|[x](y)"


def _long(metadata: Any) -> bool:
    return any(isinstance(m, MaxLen) and m.max_length >= 200 for m in metadata)


def _is_text(info: Any) -> bool:
    return _long(info.metadata)


def _holds_texts(info: Any) -> bool:
    """A list of free texts (``list[Text]``), not of ids or choices."""
    return any(
        typing.get_origin(arg) is typing.Annotated
        and any(_long(getattr(m, "metadata", ())) for m in arg.__metadata__)
        for arg in typing.get_args(info.annotation)
    )


def with_texts(plan: Plan, make: Any) -> Plan:
    """A copy of ``plan`` whose every free text and name (not a tier's, which rules refer to) is
    ``make(n)`` for a running number ``n``, set after validation so that nothing is trimmed."""
    out = plan.model_copy(deep=True)
    counter = itertools.count()

    def walk(model: BaseModel) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            if name == "url" and isinstance(value, str):
                object.__setattr__(model, name, URL)
            elif (
                isinstance(value, str) and _is_text(info) and not (isinstance(model, Tier) and name == "name")
            ):
                object.__setattr__(model, name, make(next(counter)))
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                if _holds_texts(info):
                    object.__setattr__(model, name, [make(next(counter)) for _ in value])
            elif isinstance(value, BaseModel):
                walk(value)
            elif isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, BaseModel):
                        walk(item)
            elif isinstance(value, dict):
                for item in value.values():
                    if isinstance(item, BaseModel):
                        walk(item)

    walk(out)
    return out


def payload(n: int) -> str:
    first = PAYLOADS[n % len(PAYLOADS)]
    second = PAYLOADS[(n * 7 + 3) % len(PAYLOADS)]
    return f"{first} n{n} {second}"


@pytest.fixture(scope="module")
def payload_plan(example_plan: Plan) -> Plan:
    return with_texts(example_plan, payload)


@pytest.fixture(scope="module")
def plain_plan(example_plan: Plan) -> Plan:
    return with_texts(example_plan, lambda n: f"{PLAIN} n{n}")


PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKUP = {
    "html_inline",
    "html_block",
    "link_open",
    "image",
    "em_open",
    "strong_open",
    "s_open",
    "code_inline",
}


def signature(markdown: str) -> list[tuple[str, ...]]:
    """The document's structure: every block token, and each inline token's markup (its text aside)."""
    out: list[tuple[str, ...]] = []
    for token in PARSER.parse(markdown):
        if token.type != "inline":
            out.append((token.type, token.tag, str(token.level)))
            continue
        kinds = [child.type for child in token.children or [] if child.type not in ("text", "text_special")]
        out.append(("inline", *kinds))
    return out


def test_payloads_give_the_structure_plain_words_give(payload_plan: Plan, plain_plan: Plan) -> None:
    shown, plain = render_markdown(payload_plan), render_markdown(plain_plan)
    assert shown != plain
    ours, theirs = signature(plain), signature(shown)
    assert len(ours) == len(theirs)
    differing = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    assert not differing, differing[:5]
    found = {child.type for t in PARSER.parse(shown) for child in t.children or []}
    assert found & MARKUP <= {"strong_open", "em_open", "link_open", "image"}  # partnerkit's own only


def test_no_control_character_and_no_github_autolink_comes_from_plan_text(payload_plan: Plan) -> None:
    shown = render_markdown(payload_plan)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", shown)
    # GitHub links bare addresses, www. names and e-mail addresses; each from plan text is broken by
    # an escape. The only addresses left are the Sources table's own links.
    bare = re.findall(r"(?<![\\(<])\b(?:https?://|www\.)\S*|[\w.]+(?<!\\)@[\w.]+", shown)
    assert bare == []


def test_the_markdown_and_the_word_strategy_show_the_same_text(payload_plan: Plan, tmp_path: Path) -> None:
    """Word writes plan text literally (its own tests say so); the Markdown, once parsed, says the same."""
    from partnerkit.io.word.report import write_strategy_docx

    docx = write_strategy_docx(payload_plan, tmp_path / "strategy.docx")
    assert markdown_sections(render_markdown(payload_plan)) == word_sections(docx)


@pytest.mark.parametrize("typed", PAYLOADS)
def test_each_payload_reads_back_as_typed(typed: str) -> None:
    html = PARSER.render(f"- x: {text(typed)}\n\n{text(typed)}\n")
    shown = " ".join(clean_text(typed)[0].split())
    literal = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert html.count(literal) == 2, html


@settings(max_examples=80, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=60))
def test_any_text_reads_back_as_typed(typed: str) -> None:
    tokens = PARSER.parse(text(typed) + "\n")
    shown = "".join(
        child.content
        for t in tokens
        if t.type == "inline"
        for child in t.children or []
        if child.type == "text"
    )
    expected = " ".join(clean_text(typed)[0].split()).replace("\x00", "\ufffd")
    assert shown == expected
    assert {t.type for t in tokens} <= {"paragraph_open", "paragraph_close", "inline"}


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_markdown_removes_what_word_removes(typed: str) -> None:
    assert clean_text(typed) == word_clean_text(typed)


def test_the_report_command_warns_of_control_characters_at_their_field(
    example_data: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(example_data)
    data["categories"]["integration"]["partners"][0]["rationale"] = "Bank\x07 feeds\x1b[2J first"
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for output in ("strategy.md", "strategy.docx"):
        outcome = invoke("report", plan, "-o", tmp_path / output)
        outcome.assert_clean(codes=(0,))
        line = next(line for line in outcome.err.splitlines() if "control character" in line)
        assert re.match(r".*plan\.yaml:\d+:\d+: categories\.integration\.partners\[0\]\.rationale: ", line), (
            line
        )
        assert line.endswith("warning: removed 2 control character(s) from 'Bank feeds[2J first'")
    markdown = (tmp_path / "strategy.md").read_text(encoding="utf-8")
    assert "Bank feeds\\[2J first" in markdown and "\x1b" not in markdown
