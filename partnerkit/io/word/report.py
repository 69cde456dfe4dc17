"""The Partnership Strategy as a Word document: the template's sections as real headings and tables."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from partnerkit.claims import grounding
from partnerkit.io.word.text import clean_text
from partnerkit.model import Plan, format_money, format_percent
from partnerkit.report.markdown import (
    benefit_lines,
    metric_value,
    requirement_lines,
    revenue_line,
    target_value,
)
from partnerkit.report.sections import category_sections
from partnerkit.roadmap.schedule import Schedule


def _t(value: object) -> str:
    """Plan text as a document may hold it (no control characters), '-' when empty."""
    if value is None:
        return "-"
    return clean_text(" ".join(str(value).split()))[0] or "-"


_TEXT_WIDTH_CM = 17.0  # A4 or Letter with 2 cm margins


def _column_widths(texts: Sequence[Sequence[str]]) -> list[float]:
    """Column widths in cm: each fits its longest word, and the rest of the page goes to long text."""
    columns = list(zip(*texts, strict=True))
    least = [
        max(1.2, 0.19 * max(len(w) for text in column for w in text.split() or [""]) + 0.4)
        for column in columns
    ]
    spare = _TEXT_WIDTH_CM - sum(least)
    if spare <= 0:
        return [_TEXT_WIDTH_CM * w / sum(least) for w in least]
    amounts = [sum(len(text) for text in column) / len(column) for column in columns]
    return [w + spare * a / (sum(amounts) or 1) for w, a in zip(least, amounts, strict=True)]


class _Writer:
    """Thin helpers over a python-docx Document, so the sections below read like the template."""

    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Cm

        self.doc = Document()
        for section in self.doc.sections:
            section.left_margin = section.right_margin = Cm(2)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(_t(text), level=level)

    def para(self, text: str, style: str | None = None, *, label: str | None = None) -> None:
        paragraph = self.doc.add_paragraph(style=style)
        if label:
            paragraph.add_run(f"{label}: " if text else f"{label}:").bold = True
        if text:
            paragraph.add_run(_t(text))

    def bullets(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.para(line.removeprefix("- "), "List Bullet")

    def numbered(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.para(line, "List Number")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Any:
        """A real Word table: a header row that repeats on each page, 9-point text, sized columns."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls
        from docx.shared import Cm, Pt

        body = [[_t(v) for v in r] for r in rows]
        texts = [[_t(h) for h in headers], *body]
        table = self.doc.add_table(rows=len(texts), cols=len(headers))
        table.style = self.doc.styles["Light Grid Accent 1"]
        table.autofit = False
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for row, values in zip(table.rows, texts, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
        for column, width in zip(table.columns, _column_widths(texts), strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
        self.doc.add_paragraph()
        return table

    def hyperlink(self, cell: Any, url: str, text: str) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = cell.paragraphs[0]
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        color = OxmlElement("w:color")
        color.set(qn("w:val"), "0563C1")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        props.extend([style, color, underline])
        run.append(props)
        node = OxmlElement("w:t")
        node.text = _t(text)
        run.append(node)
        link.append(run)
        paragraph._p.append(link)

    def field(self, paragraph: Any, instruction: str, placeholder: str) -> None:
        """A complex field (begin, instruction, separate, result, end) that Word updates."""
        self.field_over([paragraph], instruction, [placeholder])

    def field_over(self, paragraphs: list[Any], instruction: str, results: list[str]) -> None:
        """A complex field whose shown result spans ``paragraphs``, one result text in each."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def char(kind: str) -> Any:
            run = OxmlElement("w:r")
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                mark.set(qn("w:dirty"), "true")
            run.append(mark)
            return run

        def text_run(value: str) -> Any:
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = value
            run.append(text)
            return run

        instr_run = OxmlElement("w:r")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        instr_run.append(instr)
        first = paragraphs[0]._p
        for node in (char("begin"), instr_run, char("separate")):
            first.append(node)
        for paragraph, value in zip(paragraphs, results, strict=True):
            paragraph._p.append(text_run(value))
        paragraphs[-1]._p.append(char("end"))

    def table_of_contents(self, anchor: Any) -> None:
        """A TOC field after ``anchor`` that already lists the headings, for readers that do not update it."""
        from docx.shared import Cm

        entries = [
            (p.style.name, p.text)
            for p in self.doc.paragraphs
            if p.style is not None and p.style.name in ("Heading 1", "Heading 2")
        ]
        paragraphs = []
        previous = anchor
        for style, _ in entries or [("Heading 1", "")]:
            paragraph = self.doc.add_paragraph()
            previous._p.addnext(paragraph._p)  # move it right after the previous entry
            if style == "Heading 2":
                paragraph.paragraph_format.left_indent = Cm(0.6)
            paragraph.paragraph_format.space_after = Cm(0)
            paragraphs.append(paragraph)
            previous = paragraph
        results = [text for _, text in entries] or ["Update this field to build the table of contents."]
        self.field_over(paragraphs, 'TOC \\o "1-2" \\h \\z \\u', results)


def _framework_rows(plan: Plan) -> tuple[list[list[str]], list[list[str]]]:
    i = plan.deal_frameworks.integration
    r = plan.deal_frameworks.reseller
    c = i.commercial_terms
    share = f"{format_percent(c.revenue_share)} " if c.revenue_share is not None else ""
    fee = f"{format_percent(c.referral_fee)}: " if c.referral_fee is not None else ""
    notice = f"{i.termination.notice_days} days' notice; " if i.termination.notice_days is not None else ""
    integration = [
        ["Scope", i.scope],
        ["Technical obligations: our side", i.technical_obligations.ours],
        ["Technical obligations: their side", i.technical_obligations.theirs],
        ["Listing requirements", i.marketing_obligations.listing_requirements],
        ["Co-marketing", i.marketing_obligations.co_marketing],
        ["First-line support", i.support_obligations.first_line],
        ["Escalation", i.support_obligations.escalation],
        ["Revenue share", f"{share}{c.revenue_share_model}"],
        ["Referral fees", f"{fee}{c.referral_fee_terms}"],
        ["Term", f"{i.term_months} months"],
        ["Termination", f"{notice}{i.termination.conditions}"],
    ]
    p = r.pricing
    list_price = p.list_price
    if p.list_price_per_seat is not None:
        list_price += f" ({format_money(p.list_price_per_seat)} per seat per year)"
    discount = format_percent(p.partner_discount)
    if p.margin_band is not None:
        discount += f" (band {format_percent(p.margin_band.min)}-{format_percent(p.margin_band.max)})"
    quotas = r.quotas.description
    if r.quotas.minimum_annual is not None:
        quotas += f" (minimum {format_money(r.quotas.minimum_annual)} a year)"
    reseller = [
        ["Territory", r.territory],
        ["Exclusivity", r.exclusivity.value],
        ["List price", list_price],
        ["Partner discount", discount],
        ["End-user pricing", p.end_user_pricing.value],
        ["Deal registration process", r.deal_registration.process],
        ["Protection period", f"{r.deal_registration.protection_period_days} days"],
        ["Conflict resolution", r.deal_registration.conflict_resolution],
        ["Training: initial", r.training.initial],
        ["Training: ongoing", r.training.ongoing],
        ["Quotas", quotas],
        ["Reporting", f"{r.reporting.frequency}; {r.reporting.metrics}"],
    ]
    return integration, reseller


def _scale_targets(plan: Plan) -> list[str]:
    scale = plan.roadmap.scale
    assert scale is not None
    levels = {t.name: t.level for t in plan.tiers}
    ordered = sorted(scale.tier_targets.items(), key=lambda kv: (levels.get(kv[0], 99), kv[0]))
    targets = [f"{name} partners: {count}" for name, count in ordered]
    if scale.partner_revenue_share:
        targets.append(f"Partner revenue: {scale.partner_revenue_share} of total")
    return targets or ["None"]


def _roadmap(
    w: _Writer, plan: Plan, schedule: Schedule | None, chart: str | os.PathLike[str] | bytes | None
) -> None:
    """The roadmap as scheduled (week ranges respecting dependencies and capacity), else as planned."""
    from docx.shared import Cm

    from partnerkit.errors import PlanError
    from partnerkit.roadmap import schedule_roadmap
    from partnerkit.roadmap.tables import planned_sections, roadmap_sections

    w.heading("Prioritized Roadmap", 1)
    if schedule is None:
        try:
            schedule = schedule_roadmap(plan)
        except PlanError:
            schedule = None
    if schedule is not None and schedule.activities:
        end = f", ending {schedule.end_date.isoformat()}" if schedule.end_date else ""
        path = f"; critical path: {' → '.join(schedule.critical_path)}" if schedule.critical_path else ""
        w.para(f"Scheduled over {schedule.makespan_weeks} weeks{end}{path}.")
    if chart is not None and schedule is not None:
        picture = BytesIO(chart) if isinstance(chart, bytes) else os.fspath(chart)
        w.doc.add_picture(picture, width=Cm(16))
        w.doc.add_paragraph("Roadmap: activities by week, critical path highlighted", style="Caption")
    headers = ["Week", "Activity", "Partner Type", "Goal"]
    sections = (
        roadmap_sections(plan.roadmap, schedule) if schedule is not None else planned_sections(plan.roadmap)
    )
    for section in sections:
        rows = [[r.weeks, r.activity, r.partner_type, r.goal] for r in section.rows]
        w.heading(section.heading, 2)
        if section.kind == "scale":
            assert plan.roadmap.scale is not None
            w.para(plan.roadmap.scale.focus, label="Focus")
            if rows:
                w.table(headers, rows)
            w.para("", label="Targets")
            w.bullets(_scale_targets(plan))
            continue
        w.table(headers, rows)
        if section.targets:
            w.para("", label=f"{section.label} Targets")
            w.bullets([f"{t.label}: {target_value(t.value)}" for t in section.targets])


def build_strategy_document(
    plan: Plan, *, schedule: Schedule | None = None, chart: str | os.PathLike[str] | bytes | None = None
) -> Any:
    """The strategy as a python-docx Document (see ``write_strategy_docx``)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    w = _Writer()
    doc = w.doc
    product = plan.product
    doc.core_properties.title = _t(f"Partnership Strategy: {product.name}")
    doc.core_properties.author = _t(product.agent)

    header = doc.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run(_t(f"{product.name} Partnership Strategy, version {product.version}"))
    doc.add_paragraph("Partnership Strategy", style="Title")
    for label, value in (
        ("Product", product.name),
        ("Version", product.version),
        ("Date", product.date.isoformat()),
        ("Agent", product.agent),
    ):
        w.para(value, label=label)
    contents = doc.add_paragraph("Contents", style="TOC Heading")

    w.heading("Executive Summary", 1)
    doc.paragraphs[-1].paragraph_format.page_break_before = True  # cover and contents on a page of their own
    w.para(plan.executive_summary)

    w.heading("Partnership Philosophy", 1)
    w.para(plan.philosophy.core_principle.value, label="Core Principle")
    w.para("", label="Strategic Goals")
    w.numbered(plan.philosophy.strategic_goals)

    w.heading("Partnership Categories", 1)
    for section in category_sections(plan):
        w.heading(section.title, 2)
        w.para(section.goal, label="Goal")
        w.para("", label="Value Exchange")
        w.bullets([f"What we offer: {section.we_offer}", f"What we get: {section.we_get}"])
        w.para("", label="Target Criteria")
        w.bullets([f"{k}: {v}" for k, v in section.criteria])
        w.para("", label="Priority Targets")
        w.table(section.columns, section.rows)
        if section.requirements:
            w.para("", label=section.requirements_label)
            w.bullets([f"{k}: {v}" for k, v in section.requirements])

    w.heading("Partnership Tiers", 1)
    tiers = plan.tiers_by_level()
    w.table(
        [
            "Tier",
            "Revenue Potential",
            "Revenue Share",
            "Partner Discount",
            "Co-Marketing / Quarter",
            "Portal",
            "Training",
        ],
        [
            [
                t.name,
                (revenue_line(t) or "-").removeprefix("- Revenue potential: "),
                format_percent(t.benefits.revenue_share) if t.benefits.revenue_share is not None else None,
                format_percent(t.benefits.partner_discount)
                if t.benefits.partner_discount is not None
                else None,
                format_money(t.benefits.co_marketing_budget) if t.benefits.co_marketing_budget else None,
                t.benefits.portal_access.value,
                t.benefits.training.value if t.benefits.training else None,
            ]
            for t in tiers
        ],
    )
    for number, tier in enumerate(tiers, start=1):
        w.heading(f"Tier {number}: {tier.name} Partners", 2)
        w.para("", label="Criteria")
        revenue = revenue_line(tier)
        criteria_lines = ([revenue] if revenue else []) + [
            f"{c.name}: {c.requirement}" for c in tier.criteria
        ]
        w.bullets(criteria_lines or ["None"])
        w.para("", label="Benefits")
        w.bullets(benefit_lines(tier.benefits))
        w.para("", label="Requirements")
        w.bullets(requirement_lines(tier))

    w.heading("Deal Framework Templates", 1)
    integration, reseller = _framework_rows(plan)
    w.heading("Integration Partnership Agreement", 2)
    w.table(["Key Term", "Standard"], integration)
    w.heading("Reseller Partnership Agreement", 2)
    w.table(["Key Term", "Standard"], reseller)
    w.heading("Agreements by Partner", 2)
    w.table(
        ["Partner", "Agreement", "Tier", "Commercial Terms", "Initial Term", "Changes to Standard Terms"],
        _agreement_rows(plan),
    )

    _roadmap(w, plan, schedule, chart)

    w.heading("Success Metrics", 1)
    currency = product.currency
    w.table(
        ["Metric", "Q1 Target", "Q2 Target", "Year 1 Target"],
        [
            [
                m.name,
                metric_value(m, m.q1, currency),
                metric_value(m, m.q2, currency),
                metric_value(m, m.year1, currency),
            ]
            for m in plan.metrics
        ],
    )

    w.heading("Assumptions Log", 1)
    w.table(
        ["Assumption", "Confidence", "Validation Method"],
        [[a.assumption, a.confidence.value, a.validation_method] for a in plan.assumptions],
    )

    w.heading("Sources", 1)
    table = w.table(
        ["Source", "Type", "Date", "URL"],
        [
            [f"{s.id}: {s.title}", s.type.value, s.date.isoformat() if s.date else None, s.url]
            for s in plan.sources
        ],
    )
    for row, source in zip(table.rows[1:], plan.sources, strict=True):
        if source.url and source.url.startswith(("https://", "http://")):
            w.hyperlink(row.cells[3], source.url, source.url)

    ratio = grounding(plan).ratio
    w.para(f"Generated by {product.agent} skill with partnerkit", "Caption")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_t(f"Partnership Strategy: {product.name}. Grounding ratio: {ratio:.2f}.") + " Page ")
    w.field(footer, "PAGE", "1")
    w.table_of_contents(contents)
    _update_fields_on_open(doc)
    return doc


def _agreement_rows(plan: Plan) -> list[list[object]]:
    """One row per partner with an agreement: its kind, tier, commercial key terms, term and changes."""
    from partnerkit.deals import IntegrationTerms, build_all_terms

    rows: list[list[object]] = []
    for _, partner, terms in build_all_terms(plan):
        if terms is None:
            continue
        if isinstance(terms, IntegrationTerms):
            money = (
                f"Revenue share {terms.revenue_share.display}; "
                f"referral fee {terms.referral.referral_fee.display}"
            )
        else:
            money = (
                f"Discount {terms.term('partner_discount').display}; "
                f"protection {terms.term('protection_period_days').display}"
            )
        changes = ", ".join(d.label for d in terms.deviations()) or "None"
        rows.append([partner.name, terms.title, terms.tier or "-", money, terms.term_months.display, changes])
    return rows


def _update_fields_on_open(doc: Any) -> None:
    # Word then fills the table of contents and page numbers when the document opens.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def write_strategy_docx(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    schedule: Schedule | None = None,
    chart: str | os.PathLike[str] | bytes | None = None,
) -> Path:
    """Write the Partnership Strategy to ``path`` as a Word document; returns the path.

    ``schedule`` is the scheduled roadmap (``schedule_roadmap(plan)`` when not given; the planned weeks
    when the roadmap cannot be scheduled) and ``chart`` the roadmap's Gantt chart (a path or PNG bytes).
    """
    from partnerkit.io.files import write_bytes_atomic

    buffer = BytesIO()
    build_strategy_document(plan, schedule=schedule, chart=chart).save(buffer)
    return write_bytes_atomic(Path(path), buffer.getvalue())
