"""The hardened XML parser: no DTD, no entity expansion, no network, no huge trees."""

from __future__ import annotations

import pytest

from partnerkit.io.ooxml.errors import DamagedPackage, RefusedPackage
from partnerkit.io.ooxml.xml import MAIN_NS, parse_xml, q, serialize_xml

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>'
)
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]><x>&secret;</x>'
NETWORK = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>'


@pytest.mark.parametrize(
    "data", [LAUGHS, EXTERNAL, NETWORK], ids=["billion laughs", "external entity", "DTD"]
)
def test_a_doctype_is_refused_before_parsing(data: bytes) -> None:
    with pytest.raises(RefusedPackage, match=r"^has a part \(xl/worksheets/sheet1.xml\) with a DOCTYPE"):
        parse_xml(data, "xl/worksheets/sheet1.xml")


def test_the_parser_itself_expands_no_entity() -> None:
    # Past the DOCTYPE check (an entity declared in a stray internal subset): the parser still keeps
    # the reference as it is rather than expanding it.
    from partnerkit.io.ooxml import xml

    tree = xml.etree.fromstring(LAUGHS, xml._PARSER)
    assert "lollol" not in (xml.etree.tostring(tree).decode())


def test_broken_xml_names_its_part() -> None:
    with pytest.raises(DamagedPackage, match=r"^has a damaged part \(xl/styles.xml\): "):
        parse_xml(b"<styleSheet><numFmts>", "xl/styles.xml")


def test_a_part_round_trips_with_excels_declaration() -> None:
    data = f'<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'.encode()
    tree = parse_xml(data, "xl/worksheets/sheet1.xml")
    assert tree.getroot().find(q("sheetData")) is not None
    assert serialize_xml(tree) == b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + data
