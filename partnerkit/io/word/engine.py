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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

from partnerkit.errors import TemplateError
from partnerkit.io.files import write_bytes_atomic
from partnerkit.io.ooxml.errors import DamagedPackage, PackageError
from partnerkit.io.ooxml.limits import TEMPLATE_LIMITS
from partnerkit.io.ooxml.package import Package, write_package
from partnerkit.io.word.text import clean_context
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
    return env


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered .docx as bytes, with the warnings rendering raised (cleaned control characters)."""

    data: bytes
    problems: list[Problem]


def _patch(xml: str) -> str:
    """docxtpl's clean-up of Word XML into Jinja source, run once per part."""
    from docxtpl import DocxTemplate

    cleaner = DocxTemplate.__new__(DocxTemplate)  # patch_xml uses no instance state
    patched: str = cleaner.patch_xml(xml)
    # One paragraph per source line, so a Jinja error's line number points at a paragraph.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def _paragraph_text(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    text = re.sub(r"<[^>]+>", "", line).strip()
    return f' near "{text[:80]}"' if text else ""


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


class WordTemplate:
    """A .docx template, parsed and compiled once; ``render`` makes one document from a context."""

    def __init__(self, data: bytes, name: str = "template.docx", env: DocumentSandbox | None = None) -> None:
        self.name = name
        self.env = env or make_environment()
        self._compiled: dict[str, JinjaTemplate] = {}  # the parts that hold template tags, compiled
        self._sources: dict[str, str] = {}
        self._trees: dict[str, nodes.Template] = {}
        try:
            self._package = Package(data, TEMPLATE_LIMITS)
            names = set(self._package.names)
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise TemplateError(f"{name} is not a Word document: it has no word/document.xml")
            for part in self._package.names:
                if _RENDERED_PART.match(part):
                    xml = self._package.read(part).decode("utf-8")
                    if "{" in xml:
                        self._compiled[part] = self._compile(part, xml)
        except DamagedPackage as exc:
            raise TemplateError(
                f"{name} is not a Word document (a .docx is a zip package, and this file {exc.sentence})"
            ) from exc
        except PackageError as exc:
            raise exc.naming(name, TemplateError) from exc

    def _compile(self, part: str, xml: str) -> JinjaTemplate:
        source = _patch(xml)
        self._sources[part] = source
        try:
            tree = self.env.parse(source)
        except TemplateSyntaxError as exc:
            where = _paragraph_text(source, exc.lineno)
            raise TemplateError(f"{self.name}: {part}{where}: template syntax error: {exc.message}") from exc
        unsafe = _unsafe_names(tree)
        if unsafe:
            raise TemplateError(
                f"{self.name}: {part}: the template reaches for {unsafe[0]!r}; names starting with '_' "
                "are not allowed in partnerkit templates (nothing was rendered)"
            )
        self._trees[part] = tree
        return self.env.from_string(tree)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> WordTemplate:
        """Read and compile the template at ``path``; TemplateError when it is missing or not a template."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read template {path}: {exc.strerror or exc}") from exc
        return cls(data, name=path.name)

    @property
    def trees(self) -> Mapping[str, nodes.Template]:
        """The parsed Jinja tree of every part that holds template tags, for checks."""
        return self._trees

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, bytes]:
        """The rendered XML of every templated part, for a context already cleaned."""
        out = {}
        for part, template in self._compiled.items():
            try:
                xml = template.render(context)
            except (UndefinedError, SecurityError) as exc:
                raise TemplateError(f"{self.name}: {part}: {exc}") from exc
            except JinjaTemplateError as exc:
                raise TemplateError(f"{self.name}: {part}: template error: {exc}") from exc
            except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
                raise TemplateError(f"{self.name}: {part}: the template failed: {exc}") from exc
            out[part] = xml.replace("\n<w:p", "<w:p").encode("utf-8")
        return out

    def render(self, context: Mapping[str, Any], *, verify: bool = False) -> RenderedDocument:
        """One document from ``context``: control characters removed (with warnings), text escaped."""
        cleaned, problems = clean_context(dict(context))
        parts = self.render_parts(cleaned)
        if verify:
            _verify_xml(self.name, parts)
        # Untouched parts are copied still compressed; fixed timestamps: same context, same bytes.
        return RenderedDocument(write_package(self._package, parts, fixed_timestamps=True), problems)

    def write(
        self, path: str | os.PathLike[str], context: Mapping[str, Any], *, verify: bool = False
    ) -> RenderedDocument:
        """Render into ``path``: written to a temporary name beside it, then renamed, never half written."""
        rendered = self.render(context, verify=verify)
        write_bytes_atomic(Path(path), rendered.data)
        return rendered


def _verify_xml(name: str, parts: Mapping[str, bytes]) -> None:
    from partnerkit.io.ooxml.xml import parse_xml  # the hardened parser: no DTD, no entity, no network

    for part, xml in parts.items():
        try:
            parse_xml(xml, part)
        except PackageError as exc:
            raise TemplateError(
                f"{name}: {part}: the template produced broken XML (it {exc.sentence})"
            ) from exc
