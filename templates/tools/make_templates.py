"""Developer tool: build the agreement templates from scratch (``python templates/tools/make_templates.py DIR``).

The .docx files in ``templates/`` are the source: legal edits them in Word, and partnerkit ships them
as they are (``partnerkit templates check`` guards them in the tests). This script is not part of
partnerkit: it is how the templates were first made, and a way to start a new one from clean clause
text. It never writes into ``templates/`` unless that folder is named. Each template has
real heading styles, clause numbering through Word's numbering (Heading 1 is "1.", a Clause paragraph
is "1.1"), a cover page with the key-terms table, conditional clauses written with docxtpl's ``{%p %}``
paragraph tags (so a left-out clause leaves no empty paragraph), a "Changes to Standard Terms"
schedule, a signature block, a DRAFT marking in the header and page numbers in the footer.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Clause text: (heading, [clause paragraphs], condition or None). A condition is a Jinja expression;
# the clause appears only when it is true.
Clause = tuple[str, Sequence[str], str | None]

INTEGRATION_CLAUSES: list[Clause] = [
    (
        "Scope of the Integration",
        [
            "The parties will build, maintain and promote the integration described under Scope in the Key "
            "Terms.",
            "Neither party acquires any right in the other party's product beyond what this Agreement grants.",
        ],
        None,
    ),
    (
        "Technical Obligations",
        [
            "Vendor will perform Our technical obligations, and Partner will perform Partner's technical "
            "obligations, each as stated in the Key Terms.",
        ],
        None,
    ),
    (
        "Marketing Obligations",
        [
            "Each party will meet the Listing requirements and take part in the Co-marketing activities stated "
            "in the Key Terms, within the Co-marketing budget per quarter where one is stated.",
            "Any public announcement naming the other party needs that party's prior written approval.",
        ],
        None,
    ),
    (
        "Support Obligations",
        [
            "First-line support is handled as stated under First-line support in the Key Terms, and incidents "
            "are escalated as stated under Support escalation.",
        ],
        None,
    ),
    (
        "Revenue Share",
        [
            "Vendor will pay Partner the Revenue share on the revenue described under Revenue share model in "
            "the Key Terms, within 45 days after the end of each calendar quarter.",
        ],
        "flags.revenue_share",
    ),
    (
        "Referral Fees",
        [
            "Vendor will pay Partner the Referral fee, on the Commission base and as stated under Referral fee "
            "terms in the Key Terms, for each referral that meets the Referral definition and becomes a paying "
            "customer within the Attribution window.",
            "A prospect active in Vendor's pipeline during the Pipeline lookback is not a referral.",
            "Recurring commission, if any, stops at the Commission tail cap.",
        ],
        "flags.referral",
    ),
]

RESELLER_CLAUSES: list[Clause] = [
    (
        "Appointment and Territory",
        [
            "Vendor appoints Partner as a reseller of the Product in the Territory stated in the Key Terms, on "
            "the terms of this Agreement and of the Program Guide, which is incorporated by reference.",
            "Partner may appoint sub-resellers only with Vendor's prior written consent.",
        ],
        None,
    ),
    (
        "Exclusivity",
        [
            "During the Initial term, Vendor will not appoint another reseller in the Territory, provided that "
            "Partner meets the Quotas and the Minimum annual commitment.",
            "If Partner misses them in any year, Vendor may make the appointment non-exclusive on 30 days' "
            "written notice.",
        ],
        "flags.exclusive",
    ),
    (
        "Pricing",
        [
            "Partner buys the Product at the List price less the Partner discount stated in the Key Terms.",
        ],
        None,
    ),
    (
        "End-User Pricing",
        [
            "Partner sets its own resale prices to end customers. Nothing in this Agreement restricts Partner's "
            "freedom to do so.",
        ],
        "not flags.controlled_pricing",
    ),
    (
        "End-User Pricing",
        [
            "End-user prices are set as stated under End-user pricing in the Key Terms. LEGAL REVIEW REQUIRED: "
            "a resale price set by Vendor may breach competition law (resale price maintenance).",
        ],
        "flags.controlled_pricing",
    ),
    (
        "Deal Registration",
        [
            "Partner registers opportunities as stated under Registration process in the Key Terms.",
            "An approved registration is protected for the Protection period and earns any Extra discount on "
            "registered deals; conflicts are resolved as stated under Conflict resolution.",
        ],
        "flags.deal_registration",
    ),
    (
        "Training",
        [
            "Partner will complete the Initial training and keep up the Ongoing training stated in the Key Terms."
        ],
        None,
    ),
    (
        "Minimum Commitment",
        ["Partner will meet the Quotas and the Minimum annual commitment in each year of the Agreement."],
        "flags.quota",
    ),
    (
        "Reporting",
        [
            "Partner will report the Reporting metrics at the Reporting frequency stated in the Key Terms.",
        ],
        None,
    ),
    (
        "End Customers",
        [
            "Partner will pass Vendor's end-customer terms down to every end customer before delivery, and "
            "will comply with applicable export control and sanctions laws.",
            "On termination, Partner stops selling the Product; existing end customers keep their subscriptions "
            "to the end of their current term, and commissions already earned are paid.",
        ],
        None,
    ),
]

GENERAL_CLOSING: list[Clause] = [
    (
        "Non-Solicitation",
        [
            "During the Agreement and for the period stated under Non-solicitation of staff, neither party will "
            "solicit for employment the other party's staff who worked on this Agreement.",
        ],
        "flags.non_solicit",
    ),
    (
        "Non-Circumvention",
        [
            "Neither party will go around the other to do business directly with customers or prospects the "
            "other introduced under this Agreement.",
        ],
        "flags.non_circumvention",
    ),
    (
        "Audit and Reporting Rights",
        [
            "Each party may audit the other's records of amounts due under this Agreement as stated under Audit "
            "and reporting rights in the Key Terms, giving the Audit notice.",
        ],
        None,
    ),
    (
        "Confidentiality",
        [
            "Each party will keep the other's Confidential Information confidential, use it only for this "
            "Agreement, and keep doing so for the period stated under Confidentiality after termination.",
        ],
        None,
    ),
    (
        "Trademarks",
        ["Each party grants the other the Trademark licence stated in the Key Terms."],
        None,
    ),
    (
        "Data Protection",
        ["Each party will process personal data as stated under Data protection in the Key Terms."],
        None,
    ),
    (
        "Limitation of Liability",
        [
            "Each party's total liability under this Agreement is limited to the Liability cap stated in the "
            "Key Terms. The Claims outside the liability cap are not limited by it.",
        ],
        None,
    ),
    (
        "Term and Termination",
        [
            "This Agreement starts on the Effective date and runs for the Initial term, then continues as "
            "stated under Renewal in the Key Terms.",
            "Either party may terminate as stated under Termination, giving the Termination notice, and for a "
            "material breach not cured within the Cure period for breach.",
            "The obligations stated under Survival in the Key Terms survive termination.",
        ],
        None,
    ),
    (
        "General",
        [
            "Assignment is governed by Assignment in the Key Terms.",
            "Disputes are first escalated as stated under Escalation before litigation. This Agreement is "
            "governed by the Governing law, and the Courts stated in the Key Terms hear any dispute.",
            "Each party will comply with applicable anti-bribery laws. The parties may sign this Agreement "
            "electronically and in counterparts.",
            "If the Key Terms and these clauses conflict, the Key Terms prevail, then the Schedules, then these "
            "clauses.",
        ],
        None,
    ),
]

AGREEMENTS: dict[str, tuple[str, list[Clause]]] = {
    "integration": ("integration-agreement.docx", INTEGRATION_CLAUSES),
    "reseller": ("reseller-agreement.docx", RESELLER_CLAUSES),
}

_NUMBERING_ID = 90


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    result: str = qn(tag)
    return result


def _add_clause_numbering(document: Any) -> None:
    """A multilevel list: Heading 1 is "1.", a Clause paragraph is "1.1"."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_NUMBERING_ID}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
        '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Clause"/>'
        '<w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(_qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{_NUMBERING_ID}"><w:abstractNumId w:val="{_NUMBERING_ID}"/></w:num>'
        )
    )
    heading = document.styles["Heading 1"]
    heading.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{_NUMBERING_ID}"/></w:numPr>')
    )
    clause = document.styles.add_style("Clause", WD_STYLE_TYPE.PARAGRAPH)
    clause.base_style = document.styles["Normal"]
    clause.paragraph_format.space_after = Pt(6)
    clause.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="1"/><w:numId w:val="{_NUMBERING_ID}"/></w:numPr>')
    )


def _unnumbered(paragraph: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="0"/></w:numPr>'))


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>{placeholder}</w:t></w:r></w:fldSimple>'
        )
    )


def _tag(document: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag: it disappears from the rendered document."""
    document.add_paragraph(tag)


def _widths(table: Any, centimetres: Sequence[float]) -> None:
    """Fixed column widths (Word reads the cells', LibreOffice the grid's)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _repeat_header(row: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _table(
    document: Any, header: Sequence[str], loop: str, cells: Sequence[str], widths: Sequence[float]
) -> None:
    """A table with a header row (repeated on each page) and one row repeated by a ``{%tr for %}`` loop."""
    table = document.add_table(rows=4, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _widths(table, widths)


def _clauses(document: Any, clauses: Sequence[Clause]) -> None:
    for heading, paragraphs, condition in clauses:
        if condition:
            _tag(document, f"{{%p if {condition} %}}")
        document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text, style="Clause")
        if condition:
            _tag(document, "{%p endif %}")


def build_template(kind: str) -> Any:
    """The python-docx Document of the default ``kind`` ("integration" or "reseller") template."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    _, specific = AGREEMENTS[kind]
    document = Document()
    _add_clause_numbering(document)
    document.core_properties.title = "{{ agreement.title }}"
    document.core_properties.subject = "Draft agreement generated by partnerkit"
    document.core_properties.author = "partnerkit"
    document.core_properties.comments = ""

    # Header: the DRAFT marking. Footer: the agreement, the partner and page X of Y.
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark = header.add_run("DRAFT")
    mark.bold = True
    mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    header.add_run(" for legal review, not an offer. Reference {{ agreement.reference }}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ agreement.title }}: {{ partner_name }}. Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")

    # Cover page.
    document.add_paragraph("{{ agreement.title }}", style="Title")
    document.add_paragraph("Draft of {{ agreement.date }} for legal review", style="Subtitle")
    parties = document.add_paragraph("Between ")
    parties.add_run("{{ company.legal_name }}").bold = True
    parties.add_run(" (“Vendor”) and ")
    parties.add_run("{{ partner.legal_name }}").bold = True
    parties.add_run(" (“Partner”).")
    notices = document.add_table(rows=3, cols=3)
    notices.style = document.styles["Table Grid"]
    for cell, text in zip(notices.rows[0].cells, ["Party", "Notice address", "Notices to"], strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row, party in zip(notices.rows[1:], ["company", "partner"], strict=True):
        row.cells[0].text = "{{ " + party + ".legal_name }}"
        row.cells[1].text = "{{ " + party + ".notice_address }}"
        row.cells[2].text = "{{ " + party + ".contact }}"
    _widths(notices, [4.5, 6.0, 5.5])
    key_terms = document.add_heading("Key Terms", level=1)
    _unnumbered(key_terms)
    document.add_paragraph(
        "These Key Terms and the clauses that follow form the Agreement. Each key term below is the "
        "defined term the clauses refer to."
    )
    _table(
        document,
        ["Term", "Agreed"],
        "row in cover_terms",
        ["{{ row.label }}", "{{ row.value }}"],
        [5.5, 10.5],
    )

    # Clauses, on a new page.
    first = document.add_heading("Definitions", level=1)
    first.paragraph_format.page_break_before = True
    document.add_paragraph(
        "In this Agreement, capitalised terms have the meanings given in the Key Terms and in this clause.",
        style="Clause",
    )
    _tag(document, "{%p for item in definitions %}")
    definition = document.add_paragraph(style="Clause")
    definition.add_run("“{{ item.term }}”").bold = True
    definition.add_run(" means {{ item.meaning }}.")
    _tag(document, "{%p endfor %}")
    _clauses(document, specific)
    _clauses(document, GENERAL_CLOSING)

    # Schedule 1: every deviation from the program's standard terms.
    schedule = document.add_heading("Schedule 1: Changes to Standard Terms", level=1)
    schedule.paragraph_format.page_break_before = True
    _unnumbered(schedule)
    _tag(document, "{%p if deviations %}")
    document.add_paragraph(
        "This draft departs from the program's standard terms as follows. Each change needs the "
        "approval named in the program guide."
    )
    _table(
        document,
        ["Term", "Standard", "This Agreement", "Why"],
        "change in deviations",
        ["{{ change.label }}", "{{ change.standard }}", "{{ change.value }}", "{{ change.reason }}"],
        [3.5, 3.5, 3.5, 5.5],
    )
    _tag(document, "{%p else %}")
    document.add_paragraph("None: this draft follows the program's standard terms.")
    _tag(document, "{%p endif %}")

    # Signature block.
    signatures = document.add_heading("Signatures", level=1)
    _unnumbered(signatures)
    document.add_paragraph("Signed by the authorised representatives of the parties.")
    block = document.add_table(rows=5, cols=2)
    block.style = document.styles["Table Grid"]
    block.rows[0].cells[0].paragraphs[0].add_run("{{ company.legal_name }}").bold = True
    block.rows[0].cells[1].paragraphs[0].add_run("{{ partner.legal_name }}").bold = True
    for row, label in zip(block.rows[1:], ["Signature:", "Name:", "Title:", "Date:"], strict=True):
        for cell in row.cells:
            cell.text = label
    _widths(block, [8.0, 8.0])
    from docx.shared import Cm

    block.rows[1].height = Cm(1.5)  # room to sign
    return document


STATEMENT = "payout-statement.docx"


def build_statement() -> Any:
    """The python-docx Document of the default payout statement template (docs/payouts.md lists its context)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    document.core_properties.title = "Payout statement {{ statement.reference }}"
    document.core_properties.subject = "Payout statement generated by partnerkit"
    document.core_properties.author = "partnerkit"
    document.core_properties.comments = ""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run("{{ program }} partner payout statement. Reference {{ statement.reference }}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ partner.name }}, {{ statement.period }}. Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")

    document.add_paragraph("Payout statement", style="Title")
    document.add_paragraph(
        "{{ statement.period }}: {{ statement.start }} to {{ statement.end }}", style="Subtitle"
    )
    parties = document.add_paragraph("From ")
    parties.add_run("{{ company.legal_name }}").bold = True
    parties.add_run(" to ")
    parties.add_run("{{ partner.legal_name }}").bold = True
    parties.add_run(", prepared on {{ statement.prepared }}.")
    facts = document.add_table(rows=5, cols=2)
    facts.style = document.styles["Table Grid"]
    for row, (label, value) in zip(
        facts.rows,
        [
            ("Partner", "{{ partner.name }}"),
            ("Tier", "{{ statement.tier }}"),
            ("Agreement", "{{ statement.agreement }}"),
            ("Currency", "{{ statement.currency }}"),
            ("Status", "{{ statement.status }}"),
        ],
        strict=True,
    ):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].text = value
    _widths(facts, [5.0, 11.0])

    document.add_heading("Lines", level=1)
    _tag(document, "{%p if flags.lines %}")
    _table(
        document,
        ["Date", "Deal", "Account", "Line", "Base", "Rate", "Amount", "Why"],
        "line in lines",
        [
            "{{ line.date }}",
            "{{ line.deal_id }}",
            "{{ line.account }}",
            "{{ line.kind }}",
            "{{ line.base }}",
            "{{ line.rate }}",
            "{{ line.amount }}",
            "{{ line.note }}",
        ],
        [2.2, 1.6, 2.6, 2.2, 1.9, 1.3, 1.9, 3.3],
    )
    _tag(document, "{%p else %}")
    document.add_paragraph("No deal earned or took back a commission in this period.")
    _tag(document, "{%p endif %}")

    document.add_heading("Totals", level=1)
    totals = document.add_table(rows=9, cols=2)
    totals.style = document.styles["Table Grid"]
    for row, (label, key) in zip(
        totals.rows,
        [
            ("Commissions earned", "earned"),
            ("Clawed back", "clawed_back"),
            ("Tier accelerator", "accelerator"),
            ("Net this period", "net"),
            ("Brought forward", "carried_in"),
            ("Balance", "balance"),
            ("Minimum payout", "minimum"),
            ("Payable now", "payable"),
            ("Carried over to the next run", "carried_out"),
        ],
        strict=True,
    ):
        row.cells[0].text = label
        row.cells[1].text = "{{ totals." + key + " }}"
    for cell in totals.rows[7].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _widths(totals, [8.0, 8.0])

    document.add_heading("How this statement is computed", level=1)
    _tag(document, "{%p for rule in rules %}")
    document.add_paragraph("{{ rule }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    return document


def main(argv: Sequence[str] | None = None) -> int:
    """Write the agreement templates and the payout statement template into the folder given."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python templates/tools/make_templates.py DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    for kind, (filename, _) in AGREEMENTS.items():
        (out / filename).write_bytes(_stable(build_template(kind)))
        print(out / filename)
    (out / STATEMENT).write_bytes(_stable(build_statement()))
    print(out / STATEMENT)
    return 0


def _stable(document: Any) -> bytes:
    """The document's bytes with fixed dates, so remaking an unchanged template changes no byte."""
    import zipfile
    from datetime import datetime
    from io import BytesIO

    when = datetime(2026, 1, 1)
    document.core_properties.created = when
    document.core_properties.modified = when
    document.core_properties.last_printed = when
    raw = BytesIO()
    document.save(raw)
    out = BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
