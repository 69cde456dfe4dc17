"""Compare a returned agreement with the standard draft: key terms changed, clauses changed, policy broken.

Both agreements come in as plain text (``AgreementText``: the Key Terms rows and the sections, each a
heading and its paragraphs), so the comparison is a pure function; reading a .docx into that shape is
the Word adapter's job (``partnerkit.io.word.compare``). A changed key term is read back into its
value (``"20 days"`` is 20 days) and the partner's terms, so changed, go through the same lint as
``partnerkit terms``: a change that breaks the program's policy is a new finding.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from partnerkit.deals.lint import TermFinding, lint_terms
from partnerkit.deals.terms import TERM_LABELS, DealTerms, Origin, ReferralTerms, Term
from partnerkit.model.deals import parse_term_value
from partnerkit.model.values import Money

# Rows of the Key Terms that print several terms in one phrase: a change there is shown, not parsed.
COMBINED_ROWS = {"Effective date": "effective_date", "Renewal": "renewal", "Liability cap": "liability_cap"}
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """Text as compared: curly quotes straight, runs of white space one space, no space at the ends."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class Section:
    """A part of an agreement: its heading (empty for the cover page), its number, and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]
    number: int | None = None

    @property
    def title(self) -> str:
        """``15. Indemnities``, or the heading alone when it is not numbered."""
        if not self.heading:
            return "the cover page"
        return f"{self.number}. {self.heading}" if self.number else self.heading


@dataclass(frozen=True)
class AgreementText:
    """An agreement as a reader sees it: the Key Terms as (label, value) rows, and every section."""

    key_terms: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]

    def section(self, heading: str) -> Section | None:
        """The section with ``heading`` (compared without case), or None."""
        wanted = normalise(heading).casefold()
        return next((s for s in self.sections if normalise(s.heading).casefold() == wanted), None)


@dataclass(frozen=True)
class TermChange:
    """A Key Terms row that differs: its label, the term's key when known, the old and the new value.

    ``old`` is None for a row the returned draft added, ``new`` None for a row it removed.
    """

    label: str
    key: str | None
    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {"label": self.label, "key": self.key, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of a clause: as it was (None when added) and as it came back (None when removed)."""

    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {"old": self.old, "new": self.new}


@dataclass(frozen=True)
class ClauseChange:
    """A clause added, removed or reworded (``change`` says which), with its paragraph changes."""

    change: str
    heading: str
    number: int | None
    paragraphs: tuple[ParagraphChange, ...] = ()
    renamed_from: str | None = None

    @property
    def title(self) -> str:
        """``15. Indemnities``."""
        return Section(self.heading, (), self.number).title

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "change": self.change,
            "heading": self.heading,
            "number": self.number,
            "renamed_from": self.renamed_from,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


@dataclass
class Comparison:
    """Everything that differs between the standard draft and the returned one, and what breaks policy."""

    partner: str
    terms: list[TermChange] = field(default_factory=list)
    clauses: list[ClauseChange] = field(default_factory=list)
    policy: list[TermFinding] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """True when the returned draft says exactly what the standard draft says."""
        return not self.terms and not self.clauses

    @property
    def breaks_policy(self) -> bool:
        """True when a change makes the terms fail the program's lint (an error, not a warning)."""
        return any(f.is_error for f in self.policy)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: what ``agreement compare --json`` prints."""
        return {
            "partner": self.partner,
            "identical": self.identical,
            "terms": [t.to_dict() for t in self.terms],
            "clauses": [c.to_dict() for c in self.clauses],
            "policy": [f.to_dict() for f in self.policy],
            "unread": self.unread,
        }


def label_keys() -> dict[str, str]:
    """The term key of each Key Terms label (``Protection period`` -> ``protection_period_days``)."""
    keys = {label: key for key, label in TERM_LABELS.items()}
    keys.update(COMBINED_ROWS)
    return keys


def compare_terms_rows(
    standard: tuple[tuple[str, str], ...], returned: tuple[tuple[str, str], ...]
) -> list[TermChange]:
    """Every Key Terms row changed, added or removed, in the standard's order (added rows last)."""
    keys = label_keys()
    old = {normalise(label).casefold(): (label, value) for label, value in standard}
    new = {normalise(label).casefold(): (label, value) for label, value in returned}
    changes = []
    for folded, (label, value) in old.items():
        if folded not in new:
            changes.append(TermChange(label, keys.get(label), value, None))
        elif normalise(new[folded][1]) != normalise(value):
            changes.append(TermChange(label, keys.get(label), value, new[folded][1]))
    for folded, (label, value) in new.items():
        if folded not in old:
            changes.append(TermChange(label, keys.get(label), None, value))
    return changes


def _paragraph_changes(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[ParagraphChange, ...]:
    a = [normalise(p) for p in old]
    b = [normalise(p) for p in new]
    out: list[ParagraphChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        for index in range(max(len(olds), len(news))):
            out.append(
                ParagraphChange(
                    olds[index] if index < len(olds) else None, news[index] if index < len(news) else None
                )
            )
    return tuple(out)


def _similarity(a: Section, b: Section) -> float:
    return difflib.SequenceMatcher(
        None, normalise(" ".join(a.paragraphs)), normalise(" ".join(b.paragraphs)), autojunk=False
    ).ratio()


def _keyed(sections: tuple[Section, ...]) -> dict[tuple[str, int], Section]:
    """Sections by heading (folded) and, for a heading used twice, by which of them it is."""
    out: dict[tuple[str, int], Section] = {}
    for section in sections:
        name = normalise(section.heading).casefold()
        count = sum(1 for key in out if key[0] == name)
        out[(name, count)] = section
    return out


def compare_sections(standard: tuple[Section, ...], returned: tuple[Section, ...]) -> list[ClauseChange]:
    """Every clause added, removed or reworded; a clause renamed and lightly reworded counts as reworded."""
    old = _keyed(standard)
    new = _keyed(returned)
    removed = [s for k, s in old.items() if k not in new]
    added = [s for k, s in new.items() if k not in old]
    renamed: dict[tuple[str, int], Section] = {}
    keys = {id(s): k for k, s in new.items()}
    for section in list(added):
        match = max(removed, key=lambda r: _similarity(r, section), default=None)
        if match is not None and _similarity(match, section) >= 0.6:
            renamed[keys[id(section)]] = match
            removed.remove(match)
            added.remove(section)
    changes: list[ClauseChange] = []
    for k, section in new.items():
        before = old.get(k) or renamed.get(k)
        if before is None:
            continue
        paragraphs = _paragraph_changes(before.paragraphs, section.paragraphs)
        if paragraphs or k in renamed:
            changes.append(
                ClauseChange(
                    "reworded",
                    section.heading,
                    section.number,
                    paragraphs,
                    renamed_from=before.heading if k in renamed else None,
                )
            )
    for section in removed:
        changes.append(
            ClauseChange(
                "removed",
                section.heading,
                section.number,
                tuple(ParagraphChange(p, None) for p in section.paragraphs),
            )
        )
    for section in added:
        changes.append(
            ClauseChange(
                "added",
                section.heading,
                section.number,
                tuple(ParagraphChange(None, p) for p in section.paragraphs),
            )
        )
    return changes


_UNIT = re.compile(r"^\s*(\d+)\s*(day|month|year)s?\b", re.I)


def read_shown_value(kind: str, text: str, currency: str) -> Any:
    """The value a draft's printed ``text`` stands for (``"20 days"`` -> 20); ValueError when unreadable."""
    shown = normalise(text)
    if shown.casefold() in ("none", "not specified", "n/a", "-", "not applicable"):
        if kind in ("bool", "list", "exclusivity", "end_user_pricing"):
            return [] if kind == "list" else parse_term_value(kind, None)
        return None
    if kind in ("days", "months", "years"):
        found = _UNIT.match(shown)
        if not found:
            raise ValueError(f"{text!r} is not a number of {kind}")
        return int(found.group(1))
    if kind == "percent":
        return parse_term_value("percent", shown.replace(" ", ""))
    if kind == "money":
        amount = re.sub(r"[^\d.]", "", shown)
        code = re.search(r"\b([A-Z]{3})\b", shown)
        try:
            return Money(amount=Decimal(amount), currency=code.group(1) if code else currency)
        except InvalidOperation as exc:
            raise ValueError(f"{text!r} is not an amount of money") from exc
    if kind == "bool":
        if shown.casefold() in ("yes", "true"):
            return True
        if shown.casefold() in ("no", "false"):
            return False
        raise ValueError(f"{text!r} is not Yes or No")
    if kind == "list":
        return [part.strip() for part in shown.split(";") if part.strip()]
    return parse_term_value(kind, shown.casefold() if kind in ("exclusivity", "end_user_pricing") else shown)


def with_term(terms: DealTerms, key: str, value: Any) -> DealTerms:
    """``terms`` with one term set to ``value``, as an override (the way a partner's change would be)."""
    current = terms.term(key)
    changed: Term[Any] = replace(current, value=value, origin=Origin.OVERRIDE, reason=None, sources=())
    names = {spec.name for spec in fields(terms)}
    if key in names:
        updated: DealTerms = replace(terms, **{key: changed})  # type: ignore[arg-type]
        return updated
    referral = getattr(terms, "referral", None)
    if isinstance(referral, ReferralTerms) and key in {spec.name for spec in fields(referral)}:
        return replace(terms, **{"referral": replace(referral, **{key: changed})})  # type: ignore[arg-type]
    raise KeyError(key)


def compare_agreements(standard: AgreementText, returned: AgreementText, terms: DealTerms) -> Comparison:
    """Compare a returned agreement with the standard draft of ``terms``: changes, and the policy they break."""
    comparison = Comparison(terms.partner_name)
    comparison.terms = compare_terms_rows(standard.key_terms, returned.key_terms)
    comparison.clauses = compare_sections(standard.sections, returned.sections)
    changed = terms
    for change in comparison.terms:
        if change.key is None or change.key in COMBINED_ROWS.values() or change.new is None:
            if change.new is not None and change.old is not None:
                comparison.unread.append(f"{change.label}: read it by hand (a phrase, not one value)")
            continue
        try:
            kind = terms.term(change.key).kind
            changed = with_term(changed, change.key, read_shown_value(kind, change.new, terms.currency))
        except (KeyError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "this agreement has no such term"
            comparison.unread.append(f"{change.label}: {reason}; check it by hand")
    if changed is not terms:
        before = {(f.code, f.fields) for f in lint_terms(terms)}
        comparison.policy = [f for f in lint_terms(changed) if (f.code, f.fields) not in before]
    return comparison
