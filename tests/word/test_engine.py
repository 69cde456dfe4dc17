"""The template engine: compiled once, rendered in a sandbox, untrusted text literal, nothing smuggled in."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.errors import TemplateError
from partnerkit.io.word.agreement import template_path
from partnerkit.io.word.engine import WordTemplate
from partnerkit.io.word.outline import outline
from partnerkit.io.word.text import clean_context, clean_text, needs_cleaning

MARKER = b"Signed by the authorised representatives of the parties."


def doctored(kind: str, replacement: str) -> bytes:
    """The default template of ``kind`` with one paragraph's text replaced by ``replacement``."""
    out = BytesIO()
    with zipfile.ZipFile(template_path(kind)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                assert MARKER in data
                data = data.replace(MARKER, replacement.encode("utf-8"))
            zout.writestr(info, data)
    return out.getvalue()


def minimal(body: str) -> bytes:
    """A one-paragraph .docx whose paragraph holds ``body`` (template source)."""
    from docx import Document

    document = Document()
    document.add_paragraph(body)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_value_with_markup_and_template_syntax_stays_literal() -> None:
    name = 'Acme <Holdings> & "Sons" {{ 7*7 }} {% if 1 %}x{% endif %}'
    rendered = WordTemplate(minimal("Partner: {{ name }}")).render({"name": name})
    assert outline(rendered.data)[-1] == f"[Normal] Partner: {name}"


@pytest.mark.parametrize(
    "payload",
    [
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name['__class__'] }}",
        "{% set x = name.__class__ %}{{ x }}",
    ],
)
def test_a_payload_in_a_template_is_refused_before_anything_runs(payload: str) -> None:
    with pytest.raises(TemplateError, match="names starting with '_' are not allowed"):
        WordTemplate(minimal(payload), name="evil.docx")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ cycler }}", "unknown variable 'cycler' in t.docx, paragraph 1"),
        ("{{ lipsum() }}", "unknown variable 'lipsum' in t.docx, paragraph 1"),
        ("{{ 'x' * 10**9 }}", "not allowed"),
        ("{{ 'x' * 1000000 }}", "repeating text"),
        ("{{ name.nosuch }}", "unknown variable 'name.nosuch' in t.docx, paragraph 1"),
        ("{{ nosuch }}", "unknown variable 'nosuch' in t.docx, paragraph 1"),
        ("{{ nmae }}", "unknown variable 'nmae' .*Keystone IT Partners.*; did you mean 'name'"),
        ("{{ [].append(1) }}", "reaches for 'append', which partnerkit templates cannot use"),
        ("{{ name + 1 }}", "does not work with these values"),
    ],
)
def test_what_the_sandbox_stops_is_a_template_error_in_legal_words(source: str, message: str) -> None:
    template = WordTemplate(minimal(source), name="t.docx")
    with pytest.raises(TemplateError, match=message) as raised:
        template.render({"name": "Acme"}, subject="Keystone IT Partners")
    text = str(raised.value)
    for jinja in ("dict object", "is undefined", "has no attribute", "unsafe", "TypeError", "str object"):
        assert jinja not in text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Dear {{ partner.name }", "a tag or a variable is not written correctly"),
        ("{% if x %}Dear", "is never closed"),
        ("{{ x|uper }}", "there is no filter called 'uper'; did you mean 'upper'?"),
        ("{% endiff %}", "'endiff' is not a tag partnerkit templates know"),
    ],
)
def test_a_syntax_error_names_the_paragraph_in_legal_words(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)) as raised:
        WordTemplate(minimal(source), name="broken.docx")
    assert str(raised.value).startswith("broken.docx: paragraph 1 (“")
    for jinja in ("expected token", "Encountered", "Jinja", "No filter named"):
        assert jinja not in str(raised.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a Word document"),
        (b"name,margin\nAcme,20%\n", "not a Word document"),
        (b"PK\x03\x04truncated", "not a Word document"),
    ],
)
def test_a_file_that_is_not_a_docx_gets_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        WordTemplate(data, name="x.docx")


def test_a_zip_without_a_document_is_not_a_template() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(TemplateError, match=r"no word/document\.xml"):
        WordTemplate(buffer.getvalue(), name="x.docx")


def test_a_missing_template_file_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read template"):
        WordTemplate.load(tmp_path / "nowhere.docx")


def test_control_characters_are_removed_with_a_warning_and_rtl_marks_kept() -> None:
    rendered = WordTemplate(minimal("{{ name }}")).render({"name": "Acme\x00\x07 Ltd\u200f\tB"})
    assert outline(rendered.data)[-1] == "[Normal] Acme Ltd\u200f B"
    assert [p.code for p in rendered.problems] == ["control-characters"]
    assert not rendered.problems[0].is_error
    assert rendered.problems[0].field == "name"


@given(st.text())
def test_clean_text_leaves_only_xml_safe_characters(text: str) -> None:
    cleaned, removed = clean_text(text)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\n\r\t]", cleaned)
    assert removed >= 0
    assert clean_text(cleaned) == (cleaned, 0)


@given(st.text(), st.text())
def test_the_fast_check_never_skips_a_string_that_needs_cleaning(text: str, other: str) -> None:
    context = {"rows": [{"value": text}], "n": 3, "name": other}
    if not needs_cleaning(context):
        assert clean_text(text) == (text, 0) and clean_text(other) == (other, 0)
        assert clean_context(context) == (context, [])
    else:  # a false alarm (a backslash can look like an escape) only costs the full clean
        cleaned, _ = clean_context(context)
        for value in (cleaned["rows"][0]["value"], cleaned["name"]):
            assert clean_text(value) == (value, 0)


def test_clean_context_cleans_nested_strings_and_keeps_other_values() -> None:
    context, problems = clean_context({"rows": [{"value": "a\x01b"}], "n": 3, "ok": True})
    assert context == {"rows": [{"value": "ab"}], "n": 3, "ok": True}
    assert [p.field for p in problems] == ["rows[0].value"]


def _counts(data: bytes) -> dict[str, int]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith((".xml", ".rels")))
    return {
        "vanish": xml.count(b"<w:vanish"),
        "instrText": xml.count(b"<w:instrText"),
        "fldSimple": xml.count(b"<w:fldSimple"),
        "external": xml.count(b'TargetMode="External"'),
        "hyperlink": xml.count(b"<w:hyperlink"),
    }


@pytest.mark.parametrize(
    "value",
    [
        "</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden clause</w:t></w:r><w:r><w:t>",
        '<w:fldSimple w:instr=" HYPERLINK http://evil.example "/>',
        "]]><w:instrText>INCLUDETEXT evil</w:instrText>",
        '<Relationship Id="rId99" TargetMode="External" Target="http://evil.example"/>',
    ],
)
def test_untrusted_text_adds_no_hidden_run_field_or_external_link(value: str) -> None:
    template = WordTemplate(template_path("reseller").read_bytes())
    from partnerkit.deals import build_terms
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.word.context import build_context

    plan = load_example_plan()
    context = build_context(build_terms(plan, "Keystone IT Partners"), as_of=plan.product.date)
    context["partner"] = {**context["partner"], "legal_name": value}
    context["cover_terms"][1] = {**context["cover_terms"][1], "value": value}
    rendered = template.render(context, verify=True).data
    baseline = template.render(
        build_context(build_terms(plan, "Keystone IT Partners"), as_of=plan.product.date)
    ).data
    assert _counts(rendered) == _counts(baseline) == _counts(template_path("reseller").read_bytes())
    assert sum(line.count(value) for line in outline(rendered)) == 4  # parties, notices, key term, signature


def test_untouched_parts_are_copied_byte_for_byte_and_output_is_deterministic() -> None:
    source = template_path("integration").read_bytes()
    template = WordTemplate(source)
    context = {"agreement": {"title": "T", "reference": "R", "date": "D"}}
    with pytest.raises(TemplateError):
        template.render(context)  # the body needs more than this; headers alone do not make a draft
    with zipfile.ZipFile(BytesIO(source)) as archive:
        styles = archive.read("word/styles.xml")
    from partnerkit.deals import build_terms
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.io.word.context import build_context

    plan = load_example_plan()
    full = build_context(build_terms(plan, "Northwind ERP"), as_of=plan.product.date)
    first, second = template.render(full).data, template.render(full).data
    assert first == second
    with zipfile.ZipFile(BytesIO(first)) as archive:
        assert archive.testzip() is None
        assert archive.read("word/styles.xml") == styles
        assert archive.namelist() == zipfile.ZipFile(BytesIO(source)).namelist()


def test_a_compiled_template_loaded_elsewhere_renders_the_same_bytes_and_the_same_errors() -> None:
    template = WordTemplate(minimal("Partner: {{ name }} {% if flag %}yes{% endif %}"), name="t.docx")
    again = WordTemplate.from_export(template.export())
    for context in ({"name": "Acme", "flag": True}, {"name": "Acme <B> & C", "flag": False}):
        assert again.render(context).data == template.render(context).data
    with pytest.raises(TemplateError, match=r"unknown variable 'flag' in t\.docx, paragraph 1"):
        again.render({"name": "Acme"})
