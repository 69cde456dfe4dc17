"""The one zip reader and writer: parts read within their declared sizes; unchanged entries copied as stored."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io.ooxml.errors import DamagedPackage, PackageError
from partnerkit.io.ooxml.package import Package, write_package, zip_names

from .builders import streamed_zip_of, with_zip64_directory, zip_of

PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "word/document.xml": b"<w:document>" + b"Dear partner, " * 400 + b"</w:document>",
    "word/media/image1.png": bytes(range(256)) * 16,
    "docProps/core.xml": b"<cp:coreProperties/>",
}


def raw_entries(data: bytes) -> dict[str, tuple[bytes, bytes]]:
    """Each entry's bytes up to the next entry (header, data, descriptor), and its central record
    without the offset, found by zipfile and the end record rather than by the code under test."""
    end = data.rfind(b"PK\x05\x06")
    count, directory = (
        struct.unpack_from("<H", data, end + 10)[0],
        struct.unpack_from("<L", data, end + 16)[0],
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = sorted(archive.infolist(), key=lambda i: i.header_offset)
    starts = [i.header_offset for i in infos] + [directory]
    records, pos = {}, directory
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, pos + 28)
        size = 46 + name_len + extra_len + comment_len
        record = data[pos : pos + size]
        records[record[46 : 46 + name_len].decode()] = record[:42] + record[46:]
        pos += size
    return {
        info.filename: (data[start:stop], records[info.filename])
        for info, start, stop in zip(infos, starts, starts[1:], strict=False)
    }


def test_parts_read_back_as_zipfile_reads_them() -> None:
    for data in (zip_of(PARTS), zip_of(PARTS, method=zipfile.ZIP_STORED), streamed_zip_of(PARTS)):
        package = Package(data)
        assert package.names == list(PARTS)
        assert {n: package.read(n) for n in package.names} == PARTS
        assert zip_names(data) == list(PARTS)
        package.test()


def test_part_names_are_found_without_case() -> None:
    package = Package(zip_of(PARTS))
    assert package.find("WORD/Document.xml") == "word/document.xml"
    assert not package.has("WORD/Document.xml")
    assert package.read("[content_types].xml") == b"<Types/>"
    with pytest.raises(DamagedPackage, match=r"is missing its part word/footer1.xml"):
        package.read("word/footer1.xml")


def test_zip64_local_headers_are_read_and_kept() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in PARTS.items():
            with archive.open(name, "w", force_zip64=True) as handle:
                handle.write(data)
    package = Package(buffer.getvalue())
    assert {n: package.read(n) for n in package.names} == PARTS and not package.zip64
    assert (
        raw_entries(write_package(package, {"docProps/core.xml": b"<x/>"}))["word/document.xml"]
        == (raw_entries(buffer.getvalue())["word/document.xml"])
    )


def test_zip64_directories_are_read_and_only_rewritten_with_fresh_headers() -> None:
    data = with_zip64_directory(zip_of(PARTS))
    assert zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml") == PARTS["word/document.xml"]
    package = Package(data)
    assert package.zip64 and zip_names(data) == list(PARTS)
    assert {n: package.read(n) for n in package.names} == PARTS
    with pytest.raises(PackageError, match="uses ZIP64 extensions"):
        write_package(package, {})
    fresh = Package(write_package(package, {}, fixed_timestamps=True))
    assert {n: fresh.read(n) for n in fresh.names} == PARTS and not fresh.zip64


def test_a_damaged_archive_says_so() -> None:
    with pytest.raises(DamagedPackage, match=r"^is not a zip archive$"):
        Package(b"name,margin\nAcme,20%\n")
    with pytest.raises(DamagedPackage, match="truncated zip archive"):
        Package(zip_of(PARTS)[:-30])
    stored = zip_of(PARTS, method=zipfile.ZIP_STORED)
    package = Package(stored.replace(b"Dear partner", b"Dear partnex", 1))
    with pytest.raises(DamagedPackage, match=r"damaged part \(word/document.xml\): .* its checksum"):
        package.test()
    deflated = bytearray(zip_of(PARTS))
    start = Package(bytes(deflated)).entry("word/document.xml").data_offset
    deflated[start : start + 4] = b"\xff\xff\xff\xff"  # not a deflate stream any more
    with pytest.raises(DamagedPackage, match=r"has a damaged part \(word/document.xml\)"):
        Package(bytes(deflated)).read("word/document.xml")


# -- the writer, keep mode (workbook sync) --------------------------------------------------------


MAKERS = {
    "plain": lambda: zip_of(PARTS, comment=b"kept"),
    "data descriptors": lambda: streamed_zip_of(PARTS),
    "ZIP64 data descriptors": lambda: streamed_zip_of(PARTS, zip64=True),
}


@pytest.mark.parametrize("kind", MAKERS)
def test_keep_mode_copies_every_unchanged_entry_byte_for_byte(kind: str) -> None:
    original = MAKERS[kind]()
    package = Package(original)
    new = b"<w:document>Dear Acme</w:document>"
    written = write_package(package, {"word/document.xml": new}, removed={"docProps/core.xml"})
    before, after = raw_entries(original), raw_entries(written)
    assert list(after) == ["[Content_Types].xml", "word/document.xml", "word/media/image1.png"]
    for name in ("[Content_Types].xml", "word/media/image1.png"):
        assert after[name] == before[name], name
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert archive.read("word/document.xml") == new
        old_info = zipfile.ZipFile(io.BytesIO(original)).getinfo("word/document.xml")
        assert archive.getinfo("word/document.xml").date_time == old_info.date_time
        assert archive.comment == (b"kept" if kind == "plain" else b"")


def test_keep_mode_with_nothing_replaced_gives_the_same_bytes() -> None:
    original = zip_of(PARTS, comment=b"note")
    assert write_package(Package(original), {}) == original


# -- the writer, fixed-timestamp mode (Word drafts) -----------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["word/document.xml", "docProps/core.xml"]), st.binary(max_size=300)),
    st.tuples(st.integers(1980, 2100), st.integers(1, 12), st.integers(1, 28)),
)
def test_fixed_mode_same_parts_same_bytes_whatever_the_template_stamps(
    rendered: dict[str, bytes], day: tuple[int, int, int]
) -> None:
    one = Package(zip_of(PARTS, when=(2020, 5, 1, 8, 0, 0)))
    other = Package(zip_of(PARTS, when=(*day, 23, 59, 58), comment=b"another writer"))
    first = write_package(one, rendered, fixed_timestamps=True)
    assert first == write_package(other, rendered, fixed_timestamps=True)
    assert first == write_package(one, dict(rendered), fixed_timestamps=True)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {n: archive.read(n) for n in archive.namelist()} == {**PARTS, **rendered}


def test_fixed_mode_never_recompresses_an_unchanged_part() -> None:
    package = Package(zip_of(PARTS))
    written = Package(write_package(package, {"docProps/core.xml": b"<x/>"}, fixed_timestamps=True))
    for name in ("word/document.xml", "word/media/image1.png"):
        assert bytes(written.raw(written.entry(name))) == bytes(package.raw(package.entry(name)))


def test_central_records_point_at_their_entries() -> None:
    written = write_package(Package(streamed_zip_of(PARTS)), {"word/document.xml": b"<x/>"})
    package = Package(written)
    for entry in package.entries:
        assert written[entry.local_offset : entry.local_offset + 4] == b"PK\x03\x04"
        assert struct.unpack_from("<L", entry.central, 42)[0] == entry.local_offset
