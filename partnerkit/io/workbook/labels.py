"""The words a (Field, Value) table shows for each plan field, and the field those words name.

A partner manager reads "User overlap with our ICPs", not ``categories.integration.target_criteria
.user_overlap``. Every label is made from the field's path by one rule, so every field the model
gains later gets its words without a change here:

* a field's path is taken from the table's root (``categories.integration`` for the Integration
  partners table), and each part is worded: ``target_criteria`` -> "target criteria";
* parts are joined with ": " ("Commercial terms: revenue share"), the first letter capitalised;
* an item of a list is its number after the list's words ("Strategic goal 2" where a word is
  given, else "Exceptions 2"); a key of a mapping (a tier name in the tier targets) stays as typed;
* ``WORDS`` gives better words to the fields the strategy template names (and a part's words in
  ``PART_WORDS``), each a one-to-one replacement, so the words read back to the same field.

Reading back (``path_of``) undoes the rule; a dotted path (``product.name``), as older workbooks
wrote, is read too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from partnerkit.io.workbook import layout as L

Path = tuple[str | int, ...]

# The part of each table's paths its labels leave out: every row of the table shares it.
ROOTS: dict[str, tuple[str, ...]] = {
    L.PRODUCT.name: ("product",),
    L.STRATEGY.name: (),
    L.INTEGRATION_CATEGORY.name: ("categories", "integration"),
    L.DISTRIBUTION_CATEGORY.name: ("categories", "distribution"),
    L.ECOSYSTEM_CATEGORY.name: ("categories", "ecosystem"),
    L.AGREEMENT_TERMS.name: ("deal_frameworks",),
    L.TIER_PROGRAM.name: ("tier_program",),
    L.ROADMAP_SETTINGS.name: ("roadmap",),
}

# Whole labels for fields the strategy template words its own way ("#" stands for an item's number).
WORDS: dict[tuple[str, ...], str] = {
    ("name",): "Product name",
    ("version",): "Plan version",
    ("date",): "Plan date",
    ("currency",): "Currency",
    ("agent",): "Prepared with",
    ("executive_summary",): "Executive summary",
    ("philosophy", "core_principle"): "Core principle",
    ("philosophy", "strategic_goals", "#"): "Strategic goal #",
    ("value_exchange", "we_offer"): "What we offer",
    ("value_exchange", "we_get"): "What we get",
    ("target_criteria", "user_overlap"): "User overlap with our ICPs",
    ("target_criteria", "technical_compatibility"): "Technical compatibility",
    ("target_criteria", "market_position"): "Market position",
    ("target_criteria", "customer_base_alignment"): "Customer base alignment",
    ("target_criteria", "sales_capability"): "Sales capability",
    ("target_criteria", "geographic_coverage"): "Geographic coverage",
    ("target_criteria", "industry_relevance"): "Industry relevance",
    ("target_criteria", "membership_requirements"): "Membership requirements",
    ("target_criteria", "strategic_alignment"): "Strategic alignment",
    ("requirements", "technical"): "Technical requirements",
    ("requirements", "documentation"): "Documentation",
    ("requirements", "support"): "Support",
    ("requirements", "training"): "Training",
    ("requirements", "deal_registration"): "Deal registration",
    ("requirements", "support_model"): "Support model",
    ("settings", "start"): "Program start date",
    ("settings", "capacity"): "Team capacity (people)",
    ("settings", "quarter_weeks"): "Weeks per quarter",
    ("settings", "weeks_off"): "Weeks off",
    ("settings", "capacity_changes", "#", "from_week"): "Capacity change #: from week",
    ("settings", "capacity_changes", "#", "capacity"): "Capacity change #: people",
}

# Words for one part of a path wherever it appears (must not be the words of another part).
PART_WORDS: dict[str, str] = {
    "target_criteria": "Target criteria",
    "requirements": "Requirements",
    "scale": "Scale phase",
    "settings": "Roadmap settings",
    "tier_targets": "tier target",
}

_NUMBERED = re.compile(r"^(.*\D)\s+(\d+)$")
_SPACES = re.compile(r"\s+")


def _words(part: str) -> str:
    return PART_WORDS.get(part, part.replace("_", " "))


def _template(path: Sequence[str | int]) -> tuple[str, ...]:
    return tuple("#" if isinstance(p, int) else p for p in path)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def root_of(table: str) -> tuple[str, ...]:
    """The path every row of ``table`` starts with."""
    return ROOTS.get(table, ())


def words_for(table: str, path: Sequence[str | int]) -> str:
    """The label of the field at ``path`` (a full plan path) in the (Field, Value) table ``table``."""
    root = root_of(table)
    rest = list(path[len(root) :]) if tuple(path[: len(root)]) == root else list(path)
    numbers = [p + 1 for p in rest if isinstance(p, int)]
    given = WORDS.get(_template(rest))
    if given is not None:
        for n in numbers:
            given = given.replace("#", str(n), 1)
        return given
    parts: list[str] = []
    full = (*root, *rest)
    for i, part in enumerate(rest):
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]} {part + 1}"
        elif full[: len(root) + i] == L.TIER_TARGETS:
            parts.append(part)  # a tier's name, as typed
        else:
            parts.append(_words(part))
    return _capital(": ".join(parts))


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().casefold()


@cache
def _given() -> dict[str, tuple[str, ...]]:
    """Each given label, as compared, and its template."""
    return {_normal(words): template for template, words in WORDS.items()}


@cache
def _given_patterns() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    out = []
    for template, words in WORDS.items():
        if "#" in words:
            pattern = re.escape(_normal(words)).replace("\\#", "#").replace("#", r"(\d+)")
            out.append((re.compile(f"^{pattern}$"), template))
    return out


_PART_OF_WORDS = {_normal(w): p for p, w in PART_WORDS.items()}


def path_of(table: str, label: str) -> Path | None:
    """The plan path a label of ``table`` names (words or a dotted path), or None when it names none."""
    text = _normal(label)
    if not text:
        return None
    root = root_of(table)
    words = _SPACES.sub(" ", label.replace("\u00a0", " ")).strip()
    # A table can hold a section outside its root (the Agreement terms table holds the documents
    # settings too): their labels start at the plan itself, as words_for writes them.
    # Words of a field the model lacks still name a path under the root, so that the model's
    # did-you-mean lands on that row.
    candidates = [
        (*start, *found)
        for start in ((root, ()) if root else (root,))
        for found in (_given_path(text), _default_path(words, start))
        if found is not None and _under(table, (*start, *found))
    ]
    dotted = parse_label(label.strip())
    if dotted is not None and _under(table, dotted):
        candidates.append(dotted)
    return next((c for c in candidates if _names_a_field(c)), candidates[0] if candidates else None)


def _names_a_field(path: Path) -> bool:
    try:
        L.key_value_kind(path)
    except (KeyError, AttributeError, TypeError, ValueError):
        return False
    return True


def _under(table: str, path: Path) -> bool:
    return any(tuple(path[: len(p)]) == p for p in L.KEY_VALUE_SECTIONS[table])


def _given_path(text: str) -> Path | None:
    template = _given().get(text)
    numbers: list[int] = []
    if template is None:
        for pattern, candidate in _given_patterns():
            match = pattern.match(text)
            if match:
                template, numbers = candidate, [int(g) - 1 for g in match.groups()]
                break
    if template is None:
        return None
    if any(n < 0 for n in numbers):
        return None
    it = iter(numbers)
    return tuple(next(it) if p == "#" else p for p in template)


def _default_path(label: str, root: tuple[str, ...]) -> Path | None:
    parts = label.split(": ")
    out: list[str | int] = []
    for i, typed in enumerate(parts):
        if (*root, *out) == L.TIER_TARGETS:
            out.append(": ".join(parts[i:]))  # a tier's name, with its case
            break
        part = typed.casefold()
        match = _NUMBERED.match(part)
        base, number = (match.group(1), int(match.group(2))) if match else (part, None)
        name = _PART_OF_WORDS.get(base.strip(), base.strip().replace(" ", "_"))
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            return None
        out.append(name)
        if number is not None:
            if number < 1:
                return None
            out.append(number - 1)
    return tuple(out)


_LABEL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def parse_label(label: str) -> tuple[str | int, ...] | None:
    """``philosophy.strategic_goals[2]`` -> ``("philosophy", "strategic_goals", 1)``."""
    prefix = ".".join(L.TIER_TARGETS) + "."
    if label.startswith(prefix) and len(label) > len(prefix):
        return (*L.TIER_TARGETS, label[len(prefix) :])
    out: list[str | int] = []
    for part in label.split("."):
        match = _LABEL.match(part.strip())
        if not match:
            return None
        out.append(match.group(1))
        if match.group(2):
            out.append(max(int(match.group(2)) - 1, 0))
    return tuple(out)
