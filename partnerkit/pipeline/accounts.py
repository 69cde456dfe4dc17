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
from collections.abc import Iterable

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
    if "://" in value:
        value = value.split("://", 1)[1]
    for stop in ("/", "?", "#"):
        value = value.split(stop, 1)[0]
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = value.split(":", 1)[0].strip(".")
    labels = [label for label in value.split(".") if label]
    if len(labels) < 2:
        return None
    if len(labels) == 4 and all(label.isdigit() for label in labels):
        return ".".join(labels)  # an IP address has no subdomains to fold
    if len(labels) >= 3:
        tail = labels[-2] + "." + labels[-1]
        if tail in MULTI_PART_SUFFIXES or (len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL):
            return ".".join(labels[-3:])
    return labels[-2] + "." + labels[-1]


def company_key(name: str | None) -> str | None:
    """A company name as it is compared: ``"The Acme Holdings, Inc."`` -> ``"acme"``; None when empty."""
    if not name:
        return None
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace(".", "")
    words = _NOT_WORD.sub(" ", text).split()
    if not words:
        return None
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    kept = list(words)
    while len(kept) > 1 and (kept[-1] in LEGAL_SUFFIXES or kept[-1] == "and"):
        kept.pop()
    return " ".join(kept)


class AccountIndex:
    """Assigns every row an account number: rows that share a domain or a company name share a number.

    Keys are joined with a union-find, so the accounts do not depend on the order rows arrive in.
    Domains and names are folded once per distinct spelling (an export repeats them a lot).
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._domains: dict[str, str | None] = {}
        self._names: dict[str, str | None] = {}

    def _find(self, key: str) -> str:
        parent = self._parent
        root = parent.setdefault(key, key)
        if root == key:
            return key
        while True:
            up = parent[root]
            if up == root:
                break
            root = up
        while parent[key] != root:  # compress the path for the next look-up
            parent[key], key = root, parent[key]
        return root

    def keys(self, name: str | None, domain: str | None) -> tuple[str | None, str | None]:
        """The folded domain key and name key of one row (None where the row has neither)."""
        dkey = self._domains.get(domain) if domain is not None else None
        if domain is not None and domain not in self._domains:
            folded = registrable_domain(domain)
            dkey = self._domains[domain] = ("d:" + folded) if folded else None
        nkey = self._names.get(name) if name is not None else None
        if name is not None and name not in self._names:
            folded = company_key(name)
            nkey = self._names[name] = ("n:" + folded) if folded else None
        return dkey, nkey

    def add(self, name: str | None, domain: str | None) -> tuple[str | None, str | None]:
        """Record one row's keys, joining its domain and its name into one account."""
        dkey, nkey = self.keys(name, domain)
        if dkey is not None and nkey is not None:
            a, b = self._find(dkey), self._find(nkey)
            if a != b:
                # the smaller key becomes the root: the same rows give the same roots in any order
                if a < b:
                    self._parent[b] = a
                else:
                    self._parent[a] = b
        elif dkey is not None:
            self._parent.setdefault(dkey, dkey)
        elif nkey is not None:
            self._parent.setdefault(nkey, nkey)
        return dkey, nkey

    def account(self, dkey: str | None, nkey: str | None) -> str | None:
        """The account (its root key) of a row's keys, after every row was added."""
        key = dkey if dkey is not None else nkey
        return self._find(key) if key is not None else None


def account_keys(rows: Iterable[tuple[str | None, str | None]]) -> list[str | None]:
    """The account of each ``(company name, domain)`` row: equal strings for rows of the same account."""
    index = AccountIndex()
    keys = [index.add(name, domain) for name, domain in rows]
    return [index.account(d, n) for d, n in keys]


def same_account(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """True when two ``(company name, domain)`` pairs are the same account on their own (no third row)."""
    da, db = registrable_domain(a[1]), registrable_domain(b[1])
    if da is not None and da == db:
        return True
    na, nb = company_key(a[0]), company_key(b[0])
    return na is not None and na == nb
