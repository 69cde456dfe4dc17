"""Pictures partnerkit owns in a workbook: find one by its name, and fit a new image into its frame.

A picture is a drawing's ``xdr:pic`` whose ``cNvPr`` carries its name; its image is a media part
(``xl/media/image1.png``) the drawing's relationships point to. Replacing the picture replaces that
part's bytes only: the drawing, its anchor and every other shape stay as they are, so the new image
is fitted into the old frame (scaled to fit, centred on white) rather than stretched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from partnerkit.io.ooxml.parts import Relationship, relationships_in, rels_part
from partnerkit.io.ooxml.xml import REL_NS
from partnerkit.io.xlsxpatch.layout import Layout

DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
EMU_PER_PIXEL = 9525


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


def fit_png(image: bytes, width: int, height: int) -> bytes:
    """``image`` scaled to fit a ``width`` x ``height`` frame's proportions, centred on white, as PNG.

    The result keeps the image's own resolution (it is only padded), so a chart stays sharp; the
    sheet shows it at the frame's size.
    """
    from PIL import Image

    with Image.open(io.BytesIO(image)) as source:
        picture = source.convert("RGB")
    if width <= 0 or height <= 0:
        out = io.BytesIO()
        picture.save(out, format="PNG")
        return out.getvalue()
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
    return out.getvalue()
