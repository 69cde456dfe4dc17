"""An agreement template: the agreement it is for, layout a lawyer accepts, and references that resolve.

``AgreementTemplate`` is a ``WordTemplate`` that, once, when it is compiled:

* keeps every table row whole on its page (``w:cantSplit``) and repeats the header row of a table
  that lists rows (``w:tblHeader``);
* checks every clause, schedule and defined-term reference (``references.analyse``) and turns each
  ``Clause N (Heading)`` number into the number the clause has in each draft;
* reads which agreement it is for: its Category property (``partnerkit reseller agreement``), else
  the terms it uses (``terms.territory`` is a reseller term).

and, for each draft, works out the clause numbers from the partner's flags before rendering.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from partnerkit.errors import TemplateError
from partnerkit.io.word.conditions import Conditions
from partnerkit.io.word.engine import CompiledTemplate, TemplateRenderError, WordTemplate
from partnerkit.io.word.paragraphs import Styles, body_paragraphs, read_styles, w
from partnerkit.io.word.references import Finding, TemplateReferences, analyse, number_references
from partnerkit.problems import Problem, Severity

FRAMEWORKS = ("integration", "reseller")
DOCUMENT = "word/document.xml"
CLAUSE_NUMBERS = "clause_numbers"
"""The context entry each draft gets: the number of each of the template's clause headings in that draft."""

_CATEGORY = re.compile(r"<cp:category>([^<]*)</cp:category>")
_DECLARED = re.compile(r"partnerkit\s+(integration|reseller)\s+agreement", re.I)
_TR_FOR = re.compile(r"^\s*\{%-?\s*tr\s+for\b")
_TITLES = {"integration": "Integration Partnership Agreement", "reseller": "Reseller Partnership Agreement"}
# Flags only one agreement has; the term keys come from the term models.
_FLAGS = {
    "integration": {"revenue_share", "referral"},
    "reseller": {
        "exclusive",
        "deal_registration",
        "quota",
        "controlled_pricing",
        "registered_deal_extra_discount",
        "list_price_per_seat",
    },
}


def _framework_only_terms() -> dict[str, set[str]]:
    from partnerkit.io.word.context import agreement_terms

    integration, reseller = set(agreement_terms("integration")), set(agreement_terms("reseller"))
    return {"integration": integration - reseller, "reseller": (reseller - integration) | {"margin_band"}}


class AgreementTemplate(WordTemplate):
    """A Word template of a partnership agreement, checked once and numbered per draft."""

    def __init__(self, data: bytes, name: str = "template.docx") -> None:
        self._structure: TemplateReferences | None = None
        self._styles: Styles | None = None
        self._conditions: Conditions | None = None
        super().__init__(data, name=name)
        self.conditions = self._conditions or Conditions(self.env)

    # --- once, at compile time ------------------------------------------------------------------------

    def prepare(self, part: str, xml: str) -> str:
        """Rows kept whole and header rows repeated, and reference numbers that follow each draft."""
        if part != DOCUMENT:
            return xml
        from lxml import etree

        from partnerkit.io.ooxml.xml import parse_xml
        from partnerkit.io.word.context import key_term_labels

        self._styles = read_styles(self.part_data("word/styles.xml"))
        self._conditions = Conditions(self.env)
        root = parse_xml(xml.encode("utf-8"), part).getroot()
        _keep_rows_whole(root)
        data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)
        # Every label either agreement can show, so that each draft can tell whether its rows are used.
        labels = list(dict.fromkeys([*key_term_labels("integration"), *key_term_labels("reseller")]))
        self._structure = analyse(data, self._styles, self._conditions, labels=labels)
        paragraphs = body_paragraphs(data, self._styles)
        if paragraphs and number_references(paragraphs, self._structure):
            tree = paragraphs[0].element.getroottree()
            data = etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=True, standalone=True)
        text: str = data.decode("utf-8")
        return text

    @property
    def styles(self) -> Styles:
        """The template's paragraph styles."""
        return self._styles or read_styles(self.part_data("word/styles.xml"))

    @property
    def structure(self) -> TemplateReferences:
        """The template's clause headings and references, as the reference check read them."""
        if self._structure is None:
            self._structure = TemplateReferences()
        return self._structure

    @cached_property
    def declared_framework(self) -> str | None:
        """The agreement the template says it is for (its Category property), or None."""
        core = self.raw_xml("docProps/core.xml")
        if core is None:
            data = self.part_data("docProps/core.xml")
            core = data.decode("utf-8", "replace") if data else ""
        found = _CATEGORY.search(core)
        declared = _DECLARED.search(found.group(1)) if found else None
        return declared.group(1).lower() if declared else None

    @cached_property
    def used_framework_terms(self) -> dict[str, list[str]]:
        """The variables the template uses that only one agreement has, by agreement."""
        from partnerkit.io.word.paths import paths_read

        only = _framework_only_terms()
        found: dict[str, list[str]] = {kind: [] for kind in FRAMEWORKS}
        for path in sorted(paths_read(self.trees.values())):
            head, _, rest = path.partition(".")
            key = rest.split(".")[0].split("[")[0]
            for kind in FRAMEWORKS:
                if (
                    (head in ("terms", "raw", "origins") and key in only[kind])
                    or (head == "flags" and key in _FLAGS[kind])
                    or (path == "margin_band" and kind == "reseller")
                ):
                    found[kind].append(path)
        return found

    @property
    def framework(self) -> str | None:
        """The agreement the template is for: as declared, else as its variables show, else None."""
        if self.declared_framework:
            return self.declared_framework
        used = self.used_framework_terms
        kinds = [kind for kind in FRAMEWORKS if used[kind]]
        return kinds[0] if len(kinds) == 1 else None

    def framework_problem(self, kind: str, partner: str | None = None) -> str | None:
        """Why this template cannot draft an agreement of ``kind``, in one sentence; None when it can."""
        framework = self.framework
        if framework is None or framework == kind:
            return None
        if self.declared_framework:
            why = f"is {_an(framework)} agreement template (its Category property says so)"
        else:
            uses = ", ".join(self.used_framework_terms[framework][:3])
            why = f"is {_an(framework)} agreement template (it uses {uses})"
        who = f"{partner} signs the {_TITLES[kind]}" if partner else f"this is the {_TITLES[kind]}"
        return (
            f"{self.name} {why}, but {who}: use {_an(kind)} agreement template "
            "('partnerkit templates export DIR' writes one to start from)"
        )

    def findings(self, kind: str, context: Mapping[str, Any] | None = None) -> list[Finding]:
        """Everything the reference and layout checks find in the template, for an agreement of ``kind``."""
        from partnerkit.io.word.context import key_term_labels

        raw = self.raw_xml(DOCUMENT)
        if raw is None:
            return []
        from partnerkit.io.word.paths import paths_read

        data_terms: list[str] = []
        if context is not None and "definitions[].term" in paths_read(self.trees.values()):
            data_terms = [item["term"] for item in context.get("definitions", [])]
        # Analyse the document as it is compiled: rows kept whole, numbers as tags.
        report = analyse(
            raw.encode("utf-8"),
            self.styles,
            self.conditions,
            labels=key_term_labels(kind) if self.uses_key_terms_table else [],
            data_terms=data_terms,
        )
        found = list(report.findings)
        if not self.styles.keeps_with_next(_heading_style(self.styles)):
            found.append(
                Finding(
                    "warning",
                    "the Heading 1 style does not keep its heading with the next paragraph: turn on "
                    "'Keep with next' (Format > Paragraph > Line and Page Breaks) so that no heading is "
                    "left alone at the foot of a page",
                )
            )
        return found

    @cached_property
    def uses_key_terms_table(self) -> bool:
        """True when the template lists the Key Terms as rows (their labels are then defined terms)."""
        from partnerkit.io.word.paths import paths_read

        return "cover_terms[].label" in paths_read(self.trees.values())

    def check_for(self, kind: str, partner: str | None = None) -> None:
        """Refuse, in one sentence, a template of another agreement or one whose references do not resolve."""
        problem = self.framework_problem(kind, partner)
        if problem:
            raise TemplateError(problem)
        errors = self.structure.errors
        if errors:
            more = f" (and {len(errors) - 1} more; run 'partnerkit templates check {self.name}')"
            raise TemplateError(f"{self.name}: {errors[0].message}{more if len(errors) > 1 else ''}")

    def export(self) -> CompiledTemplate:
        """The compiled template, with its clauses and references, for a worker process."""
        from dataclasses import replace

        extra = {
            "structure": self.structure,
            "uses_key_terms_table": self.uses_key_terms_table,
            "declared_framework": self.declared_framework,
            "used_framework_terms": self.used_framework_terms,
        }
        return replace(super().export(), extra=extra)

    def restore(self, extra: dict[str, Any]) -> None:
        """Take back the clauses, references and framework ``export`` saved."""
        self._structure = extra["structure"]
        self._styles = None
        self._conditions = Conditions(self.env)
        self.conditions = self._conditions
        for name in ("uses_key_terms_table", "declared_framework", "used_framework_terms"):
            self.__dict__[name] = extra[name]  # the cached properties, already worked out

    # --- for each draft ----------------------------------------------------------------------------

    def finish_context(self, context: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """Add the draft's clause numbers; a reference to a clause this draft leaves out is an error."""
        structure = self.structure
        if not structure.headings:
            return context, []
        holds = self.conditions.holds
        cache: dict[str, bool] = {}

        def present(conditions: tuple[str, ...]) -> bool:
            for condition in conditions:
                if condition not in cache:
                    cache[condition] = holds(condition, context) is not False
                if not cache[condition]:
                    return False
            return True

        numbers: list[int] = []
        count = 0
        shown = []
        for heading in structure.headings:
            here = present(heading.conditions)
            shown.append(here)
            count += here
            numbers.append(count if here else 0)
        for reference in structure.references:
            if reference.target is not None and not shown[reference.target] and present(reference.conditions):
                who = f" for {context.get('partner_name')}" if context.get("partner_name") else ""
                raise TemplateRenderError(
                    f"{self.name}: paragraph {reference.paragraph} refers to {reference.written}, which the "
                    f"draft{who} leaves out"
                )
        problems = []
        for row in context.get("cover_terms", []) if self.uses_key_terms_table else []:
            uses = structure.label_uses.get(row.get("label", ""))
            if uses is not None and not any(present(c) for c in uses):
                problems.append(
                    Problem(
                        f"the Key Terms row “{row['label']}” is not used by any clause of this draft",
                        severity=Severity.WARNING,
                        code="unused-defined-term",
                    )
                )
        return {**context, CLAUSE_NUMBERS: numbers}, problems


def _an(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _heading_style(styles: Styles) -> str:
    for style_id in styles.names:
        if styles.is_heading(style_id, 1):
            return style_id
    return "Heading1"


def _keep_rows_whole(root: Any) -> None:
    """Every table row stays on one page; a table that lists rows repeats its first row on each page."""
    from lxml import etree

    from partnerkit.io.word.paragraphs import text_of

    for table in root.iter(w("tbl")):
        rows = [row for row in table if row.tag == w("tr")]
        loops = any(_TR_FOR.match(text_of(row)) for row in rows)
        for number, row in enumerate(rows):
            props = row.find(w("trPr"))
            if props is None:
                props = etree.Element(w("trPr"))
                before = row.find(w("tblPrEx"))
                row.insert(1 if before is not None else 0, props)
            if props.find(w("cantSplit")) is None:
                etree.SubElement(props, w("cantSplit"))
            if (
                number == 0
                and loops
                and not _TR_FOR.match(text_of(row))
                and props.find(w("tblHeader")) is None
            ):
                etree.SubElement(props, w("tblHeader"))
