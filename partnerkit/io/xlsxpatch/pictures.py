"""Pictures partnerkit owns in a workbook: find one by its name, and fit a new image into its frame.

A picture is a drawing's ``xdr:pic`` whose ``cNvPr`` carries its name; its image is a media part
(``xl/media/image1.png``) the drawing's relationships point to. Replacing the picture replaces that
part's bytes only: the drawing, its anchor and every other shape stay as they are, so the new image
is fitted into the old frame (scaled to fit, centred on white) rather than stretched.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from partnerkit.io.ooxml.parts import Relationship, relationships_in, rels_part
from partnerkit.io.ooxml.xml import REL_NS
from partnerkit.io.xlsxpatch.layout import Layout

DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
EMU_PER_PIXEL = 9525
KEY_CHUNK = b"partnerkit-key"  # a PNG text chunk: what the picture shows, so an unchanged one is kept


@dataclass(frozen=True)
class PictureUpdate:
    """A picture to redraw only when what it shows changed: ``key`` names its content, ``render``
    draws it (called only when the picture in the workbook carries another key)."""

    key: str
    render: Callable[[], bytes | None]


@dataclass(frozen=True)
class PictureFrame:
    """Where a named picture's image lives, and the size of its frame in pixels."""

    name: str
    image_part: str
    width: int
    height: int


def find_picture(layout: Layout, sheet_rels: list[Relationship], name: str) -> PictureFrame | None:
    """The picture called ``name`` among the drawings of a sheet (``layout`` parses parts), or None."""
    for rel in sheet_rels:
        if rel.type != DRAWING_REL:
            continue
        drawing = layout.tree(rel.part).getroot()
        for pic in drawing.iter(f"{{{XDR}}}pic"):
            props = pic.find(f"{{{XDR}}}nvPicPr/{{{XDR}}}cNvPr")
            if props is None or props.get("name") != name:
                continue
            blip = pic.find(f"{{{XDR}}}blipFill/{{{A}}}blip")
            ext = pic.find(f"{{{XDR}}}spPr/{{{A}}}xfrm/{{{A}}}ext")
            if blip is None or ext is None:
                return None
            rid = blip.get(f"{{{REL_NS}}}embed", "")
            drawing_rels = relationships_in(layout.tree(rels_part(rel.part)).getroot(), rel.part)
            target = next((r.part for r in drawing_rels if r.rid == rid and r.type == IMAGE_REL), None)
            if target is None:
                return None
            width = round(int(ext.get("cx", "0")) / EMU_PER_PIXEL)
            height = round(int(ext.get("cy", "0")) / EMU_PER_PIXEL)
            return PictureFrame(name, target, width, height)
    return None


def png_key(image: bytes) -> str | None:
    """The key a PNG carries in its ``partnerkit-key`` text chunk, or None."""
    if not image.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    pos = 8
    while pos + 8 <= len(image):
        size, kind = struct.unpack(">I4s", image[pos : pos + 8])
        if kind == b"tEXt":
            keyword, _, text = image[pos + 8 : pos + 8 + size].partition(b"\0")
            if keyword == KEY_CHUNK:
                return text.decode("latin-1")
        if kind in (b"IDAT", b"IEND"):
            return None  # text chunks written here come before the image data
        pos += 12 + size
    return None


def with_key(image: bytes, key: str) -> bytes:
    """``image`` (a PNG) with ``key`` in its ``partnerkit-key`` text chunk, right after its header."""
    body = KEY_CHUNK + b"\0" + key.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    header_end = 8 + 12 + struct.unpack(">I", image[8:12])[0]  # the signature, then IHDR
    return image[:header_end] + chunk + image[header_end:]


def fit_png(image: bytes, width: int, height: int, key: str | None = None) -> bytes:
    """``image`` scaled to fit a ``width`` x ``height`` frame's proportions, centred on white, as PNG.

    The result keeps the image's own resolution (it is only padded), so a chart stays sharp; the
    sheet shows it at the frame's size. ``key`` is written into it (``png_key`` reads it back).
    """
    from PIL import Image

    with Image.open(io.BytesIO(image)) as source:
        picture = source.convert("RGB")
    if width <= 0 or height <= 0:
        out = io.BytesIO()
        picture.save(out, format="PNG")
        return with_key(out.getvalue(), key) if key is not None else out.getvalue()
    frame = width / height
    w, h = picture.size
    if w / h > frame:  # wider than the frame: pad above and below
        canvas = Image.new("RGB", (w, round(w / frame)), "white")
        canvas.paste(picture, (0, (canvas.height - h) // 2))
    else:  # taller: pad left and right
        canvas = Image.new("RGB", (round(h * frame), h), "white")
        canvas.paste(picture, ((canvas.width - w) // 2, 0))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=False)
    return with_key(out.getvalue(), key) if key is not None else out.getvalue()
