"""Account matching: which deal rows are the same customer account, by domain or by company name.

Domains are folded to the registrable domain, without a network or a public-suffix download:
lower case; scheme, path, port, user name and e-mail local part dropped; ``www.`` and every other
subdomain folded, so ``https://www.sales.Acme.com/x`` is ``acme.com``. A domain keeps three labels
instead of two when its last two labels are a known multi-part suffix: a two-letter country code
after one of ``co com net org gov edu ac ltd plc me or ne go gob nic mil sch`` (``acme.co.uk``,
``acme.com.au``, ``acme.co.jp``), or one of ``MULTI_PART_SUFFIXES``. The rule is small and documented
(docs/deals.md); a rare suffix it does not know folds one label too far, which only ever merges
accounts, never splits one.

Company names are compared after Unicode folding (accents dropped, case ignored), ``&`` read as
``and``, dots dropped (``S.A.`` is ``SA``), other punctuation as spaces, a leading ``The`` and
trailing legal suffixes (``Inc``, ``Ltd``, ``GmbH``, ``LLC``, ``S.A.``, ...) removed.

Two rows are the same account when their registrable domains are equal or their company names are
equal, and so on transitively (``Acme Inc`` on acme.com and ``ACME GmbH`` on acme.de are one
account because of the name; ``Acme`` without a domain joins them too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

MULTI_PART_SUFFIXES = frozenset(
    {
        "co.uk",
        "org.uk",
        "me.uk",
        "ltd.uk",
        "plc.uk",
        "ac.uk",
        "gov.uk",
        "nhs.uk",
        "com.au",
        "net.au",
        "org.au",
        "edu.au",
        "gov.au",
        "id.au",
        "co.nz",
        "org.nz",
        "net.nz",
        "co.jp",
        "ne.jp",
        "or.jp",
        "co.za",
        "com.br",
        "com.mx",
        "com.cn",
        "com.hk",
        "com.sg",
        "com.tr",
        "com.ar",
        "co.in",
        "co.kr",
        "co.il",
        "com.tw",
        "gv.at",
        "co.at",
    }
)
"""Two-label public suffixes spelled out (most are covered by the country-code rule as well)."""

_SECOND_LEVEL = frozenset(
    {
        "co",
        "com",
        "net",
        "org",
        "gov",
        "edu",
        "ac",
        "ltd",
        "plc",
        "me",
        "or",
        "ne",
        "go",
        "gob",
        "nic",
        "mil",
        "sch",
    }
)

LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ug",
        "se",
        "sa",
        "sas",
        "sarl",
        "sl",
        "slu",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "pty",
        "pte",
        "kk",
        "sro",
        "spzoo",
        "holdings",
        "group",
    }
)
"""Words dropped from the end of a company name before names are compared."""

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def registrable_domain(text: str | None) -> str | None:
    """The registrable domain of a domain, URL or e-mail address (``www.sales.acme.co.uk`` -> ``acme.co.uk``).

    None when nothing domain-like is left (an empty cell, a single word without a dot).
    """
    if not text:
        return None
    value = text.strip().lower()
    if "/" in value or "@" in value or ":" in value or "?" in value or "#" in value:
        if "://" in value:
            value = value.split("://", 1)[1]
        for stop in ("/", "?", "#"):
            value = value.split(stop, 1)[0]
        if "@" in value:
            value = value.rsplit("@", 1)[1]
        value = value.split(":", 1)[0]
    labels = value.strip(".").split(".")
    if "" in labels:
        labels = [label for label in labels if label]
    count = len(labels)
    if count < 2:
        return None
    if count == 2:
        return labels[0] + "." + labels[1]
    last, second = labels[-1], labels[-2]
    if count == 4 and last.isdigit() and all(label.isdigit() for label in labels):
        return ".".join(labels)  # an IP address has no subdomains to fold
    if (len(last) == 2 and second in _SECOND_LEVEL) or second + "." + last in MULTI_PART_SUFFIXES:
        return labels[-3] + "." + second + "." + last
    return second + "." + last


# ASCII names are folded with one bytes.translate: letters and digits kept (lower case), dots
# dropped, everything else a space. Names with other characters take the Unicode path.
_FOLD = bytes(c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
_DROP = frozenset(s.encode() for s in LEGAL_SUFFIXES) | {b"and"}


def company_key(name: str | None) -> str | None:
    """A company name as it is compared: ``"The Acme Holdings, Inc."`` -> ``"acme"``; None when empty."""
    if not name:
        return None
    if not name.isascii():
        return _company_key_unicode(name)
    if "&" in name:
        name = name.replace("&", " and ")
    words = name.encode().translate(_FOLD, b".").split()
    if not words:
        return None
    if len(words) > 1 and words[0] == b"the":
        del words[0]
    while len(words) > 1 and words[-1] in _DROP:
        words.pop()
    return b" ".join(words).decode()


def _company_key_unicode(name: str) -> str | None:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    words = _NOT_WORD.sub(" ", text.replace(".", "")).split()
    if not words:
        return None
    if len(words) > 1 and words[0] == "the":
        del words[0]
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] == "and"):
        words.pop()
    return " ".join(words)


def account_keys(rows: Iterable[tuple[str | None, str | None]]) -> list[int | None]:
    """The account of each ``(company name, domain)`` row: equal numbers for rows of the same account.

    Every distinct folded domain and name gets a number, and each distinct (domain, name) pair joins
    its two numbers with a union-find. Which rows share a number does not depend on the order of the
    rows (the numbers themselves do: they only name the groups of one call). Each distinct spelling
    is folded once, and the per-row work is done by ``map`` and ``zip``: an export repeats spellings
    a lot, and a million rows must take about a second.
    """
    return pair_numbers((p[0], p[1]) for p in rows)


def account_numbers(names: Sequence[str | None], domains: Sequence[str | None]) -> list[int | None]:
    """``account_keys`` for two columns: the company name and the domain of each row."""
    return pair_numbers(zip(names, domains, strict=True))


def pair_numbers(pairs: Iterable[tuple[str | None, str | None]]) -> list[int | None]:
    """``account_keys`` of ``(company name, domain)`` tuples, read once (a deal's pair is read with
    one ``attrgetter`` while the deal is at hand, instead of a column of names and one of domains)."""
    from itertools import count

    from partnerkit.collector import no_gc

    with no_gc():
        # Each distinct (name, domain) pair is numbered by its first row, in one C loop (map over
        # dict.setdefault); Python code then runs once per distinct pair, and each spelling is folded
        # once: an export repeats an account's spelling on many rows.
        firsts: dict[tuple[str | None, str | None], int] = {}
        row_pair = list(map(firsts.setdefault, pairs, count()))
        by_name: dict[str | None, int | None] = {None: None, "": None}
        by_domain: dict[str | None, int | None] = {None: None, "": None}
        domain_ids: dict[str, int] = {}  # folded domain -> number
        name_ids: dict[str, int] = {}  # folded name -> number (one numbering for both)
        parent: list[int] = []
        ends: list[int | None] = []
        for name, domain in firsts:
            d = by_domain.get(domain, -1)
            if d == -1:
                folded = registrable_domain(domain)
                if folded is None:
                    d = None
                else:
                    d = domain_ids.get(folded)
                    if d is None:
                        d = domain_ids[folded] = len(parent)
                        parent.append(d)
                by_domain[domain] = d
            n = by_name.get(name, -1)
            if n == -1:
                folded = company_key(name)
                if folded is None:
                    n = None
                else:
                    n = name_ids.get(folded)
                    if n is None:
                        n = name_ids[folded] = len(parent)
                        parent.append(n)
                by_name[name] = n
            if d is not None and n is not None:
                while parent[d] != d:
                    d = parent[d]
                a = n
                while parent[a] != a:
                    a = parent[a]
                if d < a:  # the smaller number becomes the root
                    parent[a] = d
                elif a < d:
                    parent[d] = a
            ends.append(d if d is not None else n)
        root = list(range(len(parent)))
        for x, up in enumerate(parent):
            if up != x:
                while parent[up] != up:
                    up = parent[up]
                root[x] = up
        account: list[int | None] = [None] * len(row_pair)
        for first, end in zip(firsts.values(), ends, strict=True):
            if end is not None:
                account[first] = root[end]
        return list(map(account.__getitem__, row_pair))


def same_account(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """True when two ``(company name, domain)`` pairs are the same account on their own (no third row)."""
    da, db = registrable_domain(a[1]), registrable_domain(b[1])
    if da is not None and da == db:
        return True
    na, nb = company_key(a[0]), company_key(b[0])
    return na is not None and na == nb
