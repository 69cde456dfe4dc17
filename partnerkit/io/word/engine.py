"""The Word template engine: a .docx template parsed and compiled once, rendered safely many times.

docxtpl's own ``DocxTemplate.render`` reparses the whole package with python-docx for every document.
Here the template is read once: docxtpl's XML clean-up (``patch_xml``, which joins Jinja tags Word split
across runs and turns ``{%p``/``{%tr`` tags into paragraph and row loops) runs once per part, each part
is compiled once in a sandbox, and every document is just the rendered parts plus the template's other
zip entries copied byte for byte, still compressed.

Rendering runs in Jinja's ImmutableSandboxedEnvironment with autoescape (a partner called
``Acme <Holdings> & Sons`` stays exactly that) and StrictUndefined (a misspelt variable is an error,
not a blank). Attributes starting with ``_`` are refused before anything runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

from partnerkit.errors import TemplateError
from partnerkit.io.files import digest_of, write_bytes_atomic
from partnerkit.io.ooxml.errors import DamagedPackage, PackageError
from partnerkit.io.ooxml.limits import TEMPLATE_LIMITS
from partnerkit.io.ooxml.package import Package, write_package
from partnerkit.io.word.messages import (
    TemplateParagraph,
    missing_name,
    paragraph_with,
    syntax_sentence,
    template_line,
    written_name,
)
from partnerkit.io.word.text import BLANK, clean_context
from partnerkit.problems import Problem

# The parts of a package that may hold template tags.
_RENDERED_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$"
)
# Limits of the sandbox's arithmetic, so ``'x' * 10**9`` fails at once instead of eating memory.
_MAX_REPEAT = 100_000
_MAX_EXPONENT = 64


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, also refusing huge repetitions and powers."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse ``*`` and ``**`` whose result would be absurdly large, then compute as usual."""
        if operator == "**" and isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
            raise SecurityError(f"power with exponent {right} is not allowed in a template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if sized and len(seq) * count > _MAX_REPEAT:
                    raise SecurityError("repeating text or a list that many times is not allowed")
        return super().call_binop(context, operator, left, right)


def make_environment() -> DocumentSandbox:
    """The one Jinja environment every Word template renders in."""
    env = DocumentSandbox(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    # No cycler, joiner, namespace or lipsum: a template gets the context and `range`, nothing else.
    env.globals.clear()
    env.globals["range"] = safe_range
    # `{% if row.value is blank %}`: the value is still to be agreed, so the template highlights it.
    env.tests["blank"] = lambda value: value == BLANK
    return env


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered .docx as bytes, with the warnings rendering raised (cleaned control characters)."""

    data: bytes
    problems: list[Problem]

    @property
    def sha256(self) -> str:
        """The document's SHA-256, to tell later whether anyone edited the file."""
        return digest_of(self.data)


def _patch(xml: str) -> str:
    """docxtpl's clean-up of Word XML into Jinja source, run once per part."""
    from docxtpl import DocxTemplate

    cleaner = DocxTemplate.__new__(DocxTemplate)  # patch_xml uses no instance state
    patched: str = cleaner.patch_xml(xml)
    # One paragraph per source line, so a Jinja error's line number points at a paragraph.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def _unsafe_names(tree: nodes.Template) -> list[str]:
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name: object = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        if isinstance(name, str) and name.startswith("_"):
            found.append(name)
    return found


_XML_TAG = re.compile(r"<[^>]+>")
_JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG_KIND = re.compile(r"\{([%{#])-?(?:p|tr|tc|r)\s")


def _comparable(text: str) -> str:
    """Template tag text with docxtpl's ``{%p``/``{%tr`` marks and all white space taken out."""
    return re.sub(r"\s+", "", _TAG_KIND.sub(r"{\1 ", text))


@dataclass(frozen=True)
class CompiledTemplate:
    """A template compiled in one process, for another to render: no parsing or checking there again.

    ``code`` holds each templated part's compiled Jinja code (``marshal``: the same Python reads it),
    ``sources`` and ``raw`` the compiled source and Word's XML (for error messages), and ``extra``
    what a kind of template adds (an agreement template: its clauses and references).
    """

    name: str
    data: bytes
    code: dict[str, bytes]
    sources: dict[str, str]
    raw: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)


class TemplateRenderError(TemplateError):
    """A template that failed on one document: the sentence names the template, the paragraph and the fix."""


class WordTemplate:
    """A .docx template, parsed and compiled once; ``render`` makes one document from a context."""

    def __init__(self, data: bytes, name: str = "template.docx", env: DocumentSandbox | None = None) -> None:
        self.name = name
        self.env = env or make_environment()
        self._compiled: dict[str, JinjaTemplate] = {}  # the parts that hold template tags, compiled
        self._sources: dict[str, str] = {}
        self._raw: dict[str, str] = {}  # each templated part as Word wrote it
        self._trees: dict[str, nodes.Template] = {}
        self._code: dict[str, CodeType] = {}
        self._paragraph_cache: dict[str, list[tuple[TemplateParagraph, bool]]] = {}
        try:
            self._package = Package(data, TEMPLATE_LIMITS)
            names = set(self._package.names)
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise TemplateError(f"{name} is not a Word document: it has no word/document.xml")
            for part in self._package.names:
                if _RENDERED_PART.match(part):
                    xml = self._package.read(part).decode("utf-8")
                    if "{" in xml:
                        self._raw[part] = xml
                        self._compiled[part] = self._compile(part, self.prepare(part, xml))
        except DamagedPackage as exc:
            raise TemplateError(
                f"{name} is not a Word document (a .docx is a zip package, and this file {exc.sentence})"
            ) from exc
        except PackageError as exc:
            raise exc.naming(name, TemplateError) from exc

    def prepare(self, part: str, xml: str) -> str:
        """The XML of a part as it will be compiled; a kind of template may change it (layout, references)."""
        return xml

    def part_data(self, part: str) -> bytes | None:
        """The bytes of one part of the template's package (``word/styles.xml``), None when it has none."""
        return self._package.read(part) if self._package.has(part) else None

    def raw_xml(self, part: str) -> str | None:
        """The XML of a templated part as Word wrote it, tags and all, or None when the part has no tag."""
        return self._raw.get(part)

    def _compile(self, part: str, xml: str) -> JinjaTemplate:
        source = _patch(xml)
        self._sources[part] = source
        try:
            tree = self.env.parse(source)
            unsafe = _unsafe_names(tree)
            if unsafe:
                raise TemplateError(
                    f"{self.name}: {self._where(part, self._line_of(source, unsafe[0]))}: the template reaches "
                    f"for {unsafe[0]!r}; names starting with '_' are not allowed in partnerkit templates "
                    "(nothing was rendered)"
                )
            code = self.env.compile(tree)
            assert isinstance(code, CodeType)
            compiled = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
        except TemplateSyntaxError as exc:
            message = exc.message or ""
            sentence = syntax_sentence(message, self.env.filters, self.env.tests)
            if message.startswith("Unexpected end of template"):
                opened = self._unclosed(part)
                where = f"{self._where(part, None, opened)}: " if opened else ""
                raise TemplateError(f"{self.name}: {where}{sentence}") from exc
            named = re.search(r"'([^']+)'", message)
            where = self._where(part, exc.lineno, needle=named.group(1) if named else "")
            raise TemplateError(f"{self.name}: {where}: {sentence}") from exc
        self._trees[part] = tree
        self._code[part] = code
        return compiled

    def export(self) -> CompiledTemplate:
        """The compiled template as data another process can load with ``from_export``."""
        import marshal

        code = {part: marshal.dumps(obj) for part, obj in self._code.items()}
        return CompiledTemplate(self.name, self._package.data, code, dict(self._sources), dict(self._raw))

    @classmethod
    def from_export(cls, compiled: CompiledTemplate) -> WordTemplate:
        """A template from ``export``: the package is read again, the code is not compiled again."""
        import marshal

        template = cls.__new__(cls)
        template.name = compiled.name
        template.env = make_environment()
        template._package = Package(compiled.data, TEMPLATE_LIMITS)
        template._sources = dict(compiled.sources)
        template._raw = dict(compiled.raw)
        template._trees = {}
        template._code = {part: marshal.loads(data) for part, data in compiled.code.items()}
        template._paragraph_cache = {}
        template._compiled = {
            part: template.env.template_class.from_code(
                template.env, code, template.env.make_globals(None), None
            )
            for part, code in template._code.items()
        }
        template.restore(compiled.extra)
        return template

    def restore(self, extra: dict[str, Any]) -> None:
        """Take back what ``export`` saved for a kind of template (nothing for a plain one)."""

    def _unclosed(self, part: str) -> TemplateParagraph | None:
        """The outermost ``if``/``for`` tag paragraph (or paragraph with an inline one) never closed."""
        stack: list[TemplateParagraph] = []
        for paragraph in self.paragraphs(part):
            for found in re.finditer(r"\{%-?\s*(?:p\s+|tr\s+|tc\s+|r\s+)?(\w+)", paragraph.text):
                word = found.group(1)
                if word in ("if", "for"):
                    stack.append(paragraph)
                elif word in ("endif", "endfor") and stack:
                    stack.pop()
        return stack[0] if stack else None

    @staticmethod
    def _line_of(source: str, name: str) -> int | None:
        for number, line in enumerate(source.splitlines(), start=1):
            if name in line:
                return number
        return None

    def paragraphs(self, part: str) -> list[TemplateParagraph]:
        """The paragraphs of a templated part as Word numbers them (tables included), with their text."""
        return [paragraph for paragraph, _ in self._raw_paragraphs(part)]

    def _raw_paragraphs(self, part: str) -> list[tuple[TemplateParagraph, bool]]:
        if part not in self._paragraph_cache:
            from partnerkit.io.word.paragraphs import raw_paragraphs

            raw = self._raw.get(part, "")
            found = raw_paragraphs(raw.encode("utf-8"), part) if raw else []
            self._paragraph_cache[part] = [
                (TemplateParagraph(n, text), stays) for n, (text, stays) in enumerate(found, start=1)
            ]
        return self._paragraph_cache[part]

    def _paragraph_at(self, part: str, line: int | None, needle: str = "") -> TemplateParagraph | None:
        """The template paragraph that compiled source ``line`` came from.

        Each compiled line starts with a paragraph that stays in the document; the tag paragraphs
        docxtpl folded into the line follow it. ``needle`` (a tag or a name from the error) picks
        among them.
        """
        source = self._sources.get(part, "")
        lines = source.splitlines()
        if not line or not 0 < line <= len(lines):
            return None
        starts = sum(1 for text in lines[:line] if text.startswith(("<w:p ", "<w:p>")))
        candidates: list[TemplateParagraph] = []
        seen = 0
        for paragraph, stays in self._raw_paragraphs(part):
            if stays:
                seen += 1
                if seen > starts:
                    break
                candidates = [paragraph] if seen == starts else []
            elif seen == starts:
                candidates.append(paragraph)
        text = _XML_TAG.sub("", lines[line - 1])
        tags = [_comparable(tag) for tag in _JINJA_TAG.findall(text)]
        folded = [*candidates[1:], *candidates[:1]]  # tag paragraphs first
        if needle:
            for paragraph in folded:
                if needle in paragraph.text:
                    return paragraph
        for paragraph in folded:
            if any(tag in _comparable(paragraph.text) for tag in tags):
                return paragraph
        return candidates[0] if candidates else None

    def _where(
        self, part: str, line: int | None, paragraph: TemplateParagraph | None = None, needle: str = ""
    ) -> str:
        found = paragraph or self._paragraph_at(part, line, needle)
        place = "" if part == "word/document.xml" else f"{_PART_NAMES.get(part.split('/')[-1][:6], part)}, "
        return f"{place}{found.quoted()}" if found else f"{place}a paragraph".rstrip(", ")

    @classmethod
    def load(cls, path: str | os.PathLike[str], name: str | None = None) -> WordTemplate:
        """Read and compile the template at ``path``; TemplateError when it is missing or not a template."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read template {path}: {exc.strerror or exc}") from exc
        return cls.compiled(data, name=name or path.name)

    @classmethod
    def compiled(cls, data: bytes, name: str = "template.docx") -> WordTemplate:
        """The template of ``data``, compiled, or taken compiled from the cache (``io/word/cache.py``)."""
        from dataclasses import replace

        from partnerkit.io.word.cache import load_cached, save_cached, template_key

        key = template_key(data, f"{cls.__module__}.{cls.__qualname__}")
        found = load_cached(key)
        if isinstance(found, CompiledTemplate) and found.data == data:
            return cls.from_export(replace(found, name=name))
        template = cls(data, name=name)
        save_cached(key, template.export())
        return template

    def _tree(self, part: str) -> nodes.Template:
        """The parsed tree of a part (parsed again from its source in a worker that loaded the code)."""
        if part not in self._trees:
            self._trees[part] = self.env.parse(self._sources[part])
        return self._trees[part]

    @property
    def trees(self) -> Mapping[str, nodes.Template]:
        """The parsed Jinja tree of every part that holds template tags, for checks."""
        for part in self._compiled:
            self._tree(part)  # a template loaded compiled parses its trees only when asked
        return self._trees

    def _explain(self, part: str, exc: Exception, context: Mapping[str, Any], subject: str | None) -> str:
        """A rendering error as one sentence: template, paragraph, the variable, the nearest real one."""
        from partnerkit.io.word.paths import nearest, paths_read, provided_paths

        line = template_line(exc)
        whom = f" (the draft for {subject})" if subject else ""
        if isinstance(exc, UndefinedError):
            leaf = missing_name(str(exc)) or ""
            read = paths_read([self._tree(part)])
            candidates = [p for p, at in read.items() if p.rpartition(".")[2] == leaf or p == leaf]
            candidates.sort(key=lambda p: read[p] != line)
            path = candidates[0] if candidates else leaf
            paragraph = paragraph_with(self.paragraphs(part), leaf) or self._paragraph_at(part, line)
            written = written_name(paragraph, leaf)
            guess = nearest(path, provided_paths(context))
            hint = ""
            if guess:
                shown = (
                    written.rpartition(".")[0] + "." + guess.rpartition(".")[2] if "." in written else guess
                )
                hint = f"; did you mean '{shown}'?"
            return f"unknown variable '{written}' in {self.name}, {self._where(part, line, paragraph)}{whom}{hint}"
        where = f"{self.name}, {self._where(part, line)}{whom}"
        if isinstance(exc, SecurityError):
            reason = str(exc)
            if "unsafe" in reason or "not safely callable" in reason:
                found = re.search(r"attribute '([^']+)'", reason)
                what = f"'{found.group(1)}'" if found else "something"
                return f"{where}: the template reaches for {what}, which partnerkit templates cannot use"
            return f"{where}: {reason}"
        return (
            f"{where}: a calculation or filter in this paragraph does not work with these values; check the "
            "tags in it"
        )

    def render_parts(self, context: Mapping[str, Any], subject: str | None = None) -> dict[str, bytes]:
        """The rendered XML of every templated part, for a context already cleaned."""
        out = {}
        for part, template in self._compiled.items():
            try:
                xml = template.render(context)
            except (
                JinjaTemplateError,
                TypeError,
                ValueError,
                ArithmeticError,
                RecursionError,
                LookupError,
                AttributeError,
            ) as exc:
                raise TemplateRenderError(self._explain(part, exc, context, subject)) from exc
            out[part] = xml.replace("\n<w:p", "<w:p").encode("utf-8")
        return out

    def finish_context(self, context: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """What a kind of template adds to a cleaned context before rendering, and its warnings."""
        return context, []

    def render(
        self, context: Mapping[str, Any], *, verify: bool = False, subject: str | None = None
    ) -> RenderedDocument:
        """One document from ``context``: control characters removed (with warnings), text escaped.

        ``subject`` (the partner's name) is named in error messages.
        """
        cleaned, problems = clean_context(dict(context))
        cleaned, more = self.finish_context(cleaned)
        parts = self.render_parts(cleaned, subject)
        if verify:
            _verify_xml(self.name, parts)
        # Untouched parts are copied still compressed; fixed timestamps: same context, same bytes.
        return RenderedDocument(
            write_package(self._package, parts, fixed_timestamps=True), [*problems, *more]
        )

    def write(
        self,
        path: str | os.PathLike[str],
        context: Mapping[str, Any],
        *,
        verify: bool = False,
        subject: str | None = None,
        durable: bool = True,
    ) -> RenderedDocument:
        """Render into ``path``: written to a temporary name beside it, then renamed, never half written.

        ``durable=False`` leaves the flush to disk to the caller (a batch syncs its folder once).
        """
        rendered = self.render(context, verify=verify, subject=subject)
        write_bytes_atomic(Path(path), rendered.data, durable=durable)
        return rendered


_PART_NAMES = {"header": "the header", "footer": "the footer", "core.x": "the document properties"}


def _verify_xml(name: str, parts: Mapping[str, bytes]) -> None:
    from partnerkit.io.ooxml.xml import parse_xml  # the hardened parser: no DTD, no entity, no network

    for part, xml in parts.items():
        try:
            parse_xml(xml, part)
        except PackageError as exc:
            raise TemplateError(
                f"{name}: {part}: the template produced broken XML (it {exc.sentence})"
            ) from exc
