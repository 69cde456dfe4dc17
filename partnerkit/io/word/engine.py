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
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

from partnerkit.errors import TemplateError
from partnerkit.io.files import write_bytes_atomic
from partnerkit.io.word.text import clean_context
from partnerkit.problems import Problem

# The parts of a package that may hold template tags.
_RENDERED_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$"
)
_MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # uncompressed, all parts together
_MAX_RATIO = 200  # uncompressed / compressed: a larger ratio is a zip bomb, not a Word document
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


@dataclass(frozen=True)
class _Entry:
    info: zipfile.ZipInfo
    raw: bytes  # the entry's data exactly as stored in the template (usually deflated)
    template: JinjaTemplate | None  # the compiled part, when the part holds template tags


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


def _read_raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    # The local header is 30 bytes, then the name and the extra field, then the stored data.
    start = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    begin = start + 30 + name_len + extra_len
    return data[begin : begin + info.compress_size]


class WordTemplate:
    """A .docx template, parsed and compiled once; ``render`` makes one document from a context."""

    def __init__(self, data: bytes, name: str = "template.docx", env: DocumentSandbox | None = None) -> None:
        self.name = name
        self.env = env or make_environment()
        self._entries: list[_Entry] = []
        self._sources: dict[str, str] = {}
        self._trees: dict[str, nodes.Template] = {}
        try:
            archive = zipfile.ZipFile(BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise TemplateError(f"{name} is not a Word document (not a .docx zip package): {exc}") from exc
        names = {i.filename for i in infos}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise TemplateError(f"{name} is not a Word document: it has no word/document.xml")
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > _MAX_TEMPLATE_BYTES or total / packed > _MAX_RATIO:
            raise TemplateError(
                f"{name} is too large once unpacked ({total} bytes); is it really a template?"
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise TemplateError(f"{name} is encrypted; save it without a password")
            compiled = None
            if _RENDERED_PART.match(info.filename):
                xml = archive.read(info).decode("utf-8")
                if "{" in xml:
                    compiled = self._compile(info.filename, xml)
            raw = _read_raw(data, info)
            self._entries.append(_Entry(info, raw, compiled))

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
        for entry in self._entries:
            if entry.template is None:
                continue
            part = entry.info.filename
            try:
                xml = entry.template.render(context)
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
        return RenderedDocument(_zip(self._entries, parts), problems)

    def write(
        self, path: str | os.PathLike[str], context: Mapping[str, Any], *, verify: bool = False
    ) -> RenderedDocument:
        """Render into ``path``: written to a temporary name beside it, then renamed, never half written."""
        rendered = self.render(context, verify=verify)
        write_bytes_atomic(Path(path), rendered.data)
        return rendered


def _verify_xml(name: str, parts: Mapping[str, bytes]) -> None:
    from lxml import etree

    for part, xml in parts.items():
        try:
            etree.fromstring(xml)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"{name}: {part}: the template produced broken XML ({exc})") from exc


# --- a minimal zip writer: rendered parts deflated, the rest copied as stored -------------------

_DOS_TIME, _DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1  # fixed stamp: same input, same bytes


def _zip(entries: Iterable[_Entry], rendered: Mapping[str, bytes]) -> bytes:
    out = BytesIO()
    central = []
    for entry in entries:
        name = entry.info.filename.encode("utf-8")
        if entry.info.filename in rendered:
            plain = rendered[entry.info.filename]
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            raw = packer.compress(plain) + packer.flush()
            method, crc, size = zipfile.ZIP_DEFLATED, zlib.crc32(plain), len(plain)
        else:
            raw = entry.raw
            method, crc, size = entry.info.compress_type, entry.info.CRC, entry.info.file_size
        flags = 0x800 if not entry.info.filename.isascii() else 0
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                flags,
                method,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                len(raw),
                size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(raw)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                len(raw),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for record in central:
        out.write(record)
    size_cd = out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), size_cd, start, 0))
    return out.getvalue()
