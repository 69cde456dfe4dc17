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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import compress, count, repeat
from operator import add, is_, itemgetter, ne, not_

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


# The bulk folds: all the spellings of one call joined into one string, a line each, folded by a
# few C calls over the whole text and split again; only the odd spellings (non-ASCII names, domains
# other than a bare ``name.tld``) take the one-value functions. None is an empty line.
_SEP = "\n"
_FOLD_KEEP_SEP = _FOLD[:10] + b"\n" + _FOLD[11:]
_SPACES = re.compile(rb"  +")


def _trie(words: frozenset[bytes]) -> bytes:
    """A regular expression for any of ``words``, as a trie: a failing word costs one byte test."""
    branches = [
        re.escape(head) + _trie(frozenset(w[1:] for w in words if w[:1] == head))
        for head in sorted({w[:1] for w in words if w})
    ]
    if not branches:
        return b""
    if len(branches) == 1 and b"" not in words:
        return branches[0]
    return b"(?:" + b"|".join(branches) + (b")?" if b"" in words else b")")


# " inc" at the end of a line always has a word before it; what is left is then for the pattern.
_COMMON_SUFFIXES = (b" inc\n", b" llc\n", b" ltd\n", b" gmbh\n")
# Legal suffixes at the end of a name are at the start of its line in the reversed text, where the
# search jumps from line to line; a suffix followed by a space always leaves a word after it.
_REVERSED_DROP = re.compile(rb"\n(?:%s )+" % _trie(frozenset(w[::-1] for w in _DROP)))
# A domain that is its registrable domain already, but for case: printable ASCII, one dot inside,
# nothing of a URL or an e-mail address, no spaces.
_BARE = r"[^\x00-\x20\x7f-\U0010ffff#./:?@]+"
_BARE_DOMAIN = re.compile(rf"\n{_BARE}\.{_BARE}(?=\n)")
# ``www.`` before a bare ``name.tld`` is dropped, unless ``name.tld`` is a two-label public suffix
# itself (``www.co.uk`` stays as it is).
_WWW = re.compile(
    rf"\nwww\.(?={_BARE}\.{_BARE}\n)(?i:(?!(?:%s)\.[^\n]{{2}}\n)(?!(?:%s)\n))"
    % ("|".join(sorted(_SECOND_LEVEL)), "|".join(re.escape(s) for s in sorted(MULTI_PART_SUFFIXES))),
    re.ASCII,
)
_first = itemgetter(0)
_second = itemgetter(1)
_no_node = (-1).__eq__


def _joined(values: list[str | None]) -> str | None:
    """The values a line each (None an empty one); None when a value holds a line break itself."""
    # Finding the Nones by identity does not touch the strings; join then reads each one once.
    nones = list(compress(count(), map(is_, values, repeat(None))))
    if nones:
        values = values.copy()
        any(map(values.__setitem__, nones, repeat("")))
    text = _SEP.join(values)  # type: ignore[arg-type]
    return text if text.count(_SEP) == len(values) - 1 else None


def _fold_names(names: list[str | None]) -> list[bytes]:
    """``company_key`` of each name as bytes, empty for none; ASCII names in bulk."""
    text = _joined(names)
    if text is None:
        return [(key or "").encode() for key in map(company_key, names)]
    # A non-ASCII name becomes question marks here, folded wrongly but on its own line; it is
    # folded again below, on its own.
    data = text.replace("&", " and ").encode("ascii", "replace").translate(_FOLD_KEEP_SEP, b".")
    data = _SPACES.sub(b" ", data).replace(b"\n ", b"\n").replace(b" \n", b"\n").strip(b" ")
    # Now one space between words and none at the ends of a line: "\nthe " is a leading "The"
    # with a word after it.
    data = (b"\n" + data + b"\n").replace(b"\nthe ", b"\n")
    for suffix in _COMMON_SUFFIXES:  # most names end in one of these: a replace is cheaper than a match
        data = data.replace(suffix, b"\n")
    folded = _REVERSED_DROP.sub(b"\n", data[::-1])[-2:0:-1].split(b"\n")
    if not text.isascii():
        lines = text.split(_SEP)
        for i in compress(count(), map(not_, map(str.isascii, lines))):
            folded[i] = (_company_key_unicode(lines[i]) or "").encode()
    return folded


def _fold_domains(domains: list[str | None]) -> list[str]:
    """``registrable_domain`` of each domain, empty for none; bare ``name.tld`` ones in bulk."""
    text = _joined(domains)
    if text is None:
        return [key or "" for key in map(registrable_domain, domains)]
    folded = text.lower().split(_SEP)
    others = _BARE_DOMAIN.sub(_SEP, _SEP + text + _SEP)[1:-1].split(_SEP)  # empty where bare or none
    odd = list(compress(count(), others))
    if not odd:
        return folded
    # Most of the others are www.name.tld: the same again on those alone, without the www.
    text = _WWW.sub(_SEP, _SEP + _SEP.join(map(others.__getitem__, odd)) + _SEP)
    lowered = text[1:-1].lower().split(_SEP)
    others = _BARE_DOMAIN.sub(_SEP, text)[1:-1].split(_SEP)
    for i, left, low in zip(odd, others, lowered, strict=True):
        folded[i] = (registrable_domain(domains[i]) or "") if left else low
    return folded


def account_keys(rows: Iterable[tuple[str | None, str | None]]) -> list[int | None]:
    """The account of each ``(company name, domain)`` row: equal numbers for rows of the same account.

    Every distinct folded domain and name gets a number, and the (name, domain) pairs join them into
    accounts. Which rows share a number does not depend on the order of the rows (the numbers
    themselves do: they only name the groups of one call). The spellings of the distinct pairs are
    folded in bulk, and the per-row work is done by ``map``: an export repeats spellings a lot, and
    a million rows must take a few seconds at most.
    """
    return pair_numbers((p[0], p[1]) for p in rows)


def account_numbers(names: Sequence[str | None], domains: Sequence[str | None]) -> list[int | None]:
    """``account_keys`` for two columns: the company name and the domain of each row."""
    return pair_numbers(zip(names, domains, strict=True))


def pair_numbers(pairs: Iterable[tuple[str | None, str | None]]) -> list[int | None]:
    """``account_keys`` of ``(company name, domain)`` tuples, read once (a deal's pair is read with
    one ``attrgetter`` while the deal is at hand, instead of a column of names and one of domains)."""
    from partnerkit.collector import no_gc

    with no_gc():
        # Each distinct (name, domain) pair gets the next number when it is first met, in one C loop
        # (map over a defaultdict's look-up): an export repeats an account's spelling on many rows.
        # All that follows works on the distinct pairs, a column at a time, in C loops (map,
        # compress); Python code runs only for the rare odd spelling and for pairs that join two
        # accounts.
        numbers: defaultdict[tuple[str | None, str | None], int] = defaultdict(count().__next__)
        row_pair = list(map(numbers.__getitem__, pairs))
        distinct = list(numbers)
        del numbers
        size = len(distinct)
        # A folded name is node i, i the first pair with it; a folded domain is likewise numbered
        # by its first pair, in a numbering of its own; -1 is none.
        name = _nodes(_fold_names(list(map(_first, distinct))))
        domain = _nodes(_fold_domains(list(map(_second, distinct))))
        del distinct
        # Each domain is first put in the account of the name on its first pair (a domain first seen
        # without a name is an account of its own, size + its number, apart from every name).
        # Which pairs that leaves apart from their name's account is decided in C as well.
        nameless = list(compress(count(), map(_no_node, name))) if -1 in name else []
        domain_account = name.copy()
        any(map(domain_account.__setitem__, nameless, map(add, nameless, repeat(size))))
        domain_account.append(-1)  # domain_account[-1]: no domain
        by_domain = list(map(domain_account.__getitem__, domain))
        del domain_account, domain
        joins: dict[int, int] = {}  # account -> the account it joined (a smaller number)
        for i in compress(count(), map(ne, by_domain, name)):
            a, b = name[i], by_domain[i]
            if a < 0 or b < 0:
                continue
            while a in joins:
                a = joins[a]
            while b in joins:
                b = joins[b]
            if a < b:
                joins[b] = a
            elif b < a:
                joins[a] = b
        # A pair is in its name's account, or its domain's when it has no name (-1 when it has
        # neither); an account that joined another then takes the number of the one it joined.
        account: list[int | None] = name  # type: ignore[assignment]
        any(map(account.__setitem__, nameless, map(by_domain.__getitem__, nameless)))
        if joins or nameless:
            final: dict[int, int | None] = {-1: None}
            for a in joins:
                b = joins[a]
                while b in joins:
                    b = joins[b]
                final[a] = b
            account = list(map(final.get, account, account))  # type: ignore[arg-type]
        return list(map(account.__getitem__, row_pair))


def _nodes(folded: list[str] | list[bytes]) -> list[int]:
    """The node of each folded value: the index of the first value equal to it; -1 for an empty one."""
    node_of: dict[str | bytes, int] = {"": -1, b"": -1}
    return list(map(node_of.setdefault, folded, count()))


def same_account(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """True when two ``(company name, domain)`` pairs are the same account on their own (no third row)."""
    da, db = registrable_domain(a[1]), registrable_domain(b[1])
    if da is not None and da == db:
        return True
    na, nb = company_key(a[0]), company_key(b[0])
    return na is not None and na == nb
