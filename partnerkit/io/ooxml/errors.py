"""The errors of the OOXML layer: one sentence saying why, without the file's name (the caller adds it)."""

from __future__ import annotations

from partnerkit.errors import PartnerkitError

# What python-calamine can raise from the standard library for a damaged workbook or sheet.
CALAMINE_DAMAGE: tuple[type[Exception], ...] = (
    KeyError,
    OSError,
    EOFError,
    NotImplementedError,
    ValueError,
    OverflowError,
    UnicodeError,
)


class PackageError(PartnerkitError):
    """A zip package or part that cannot be read safely; ``sentence`` follows the file's name."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence

    def naming(self, label: object, error: type[PartnerkitError], separator: str = " ") -> PartnerkitError:
        """The same sentence as the caller's own error type, after the file's name."""
        return error(f"{label}{separator}{self.sentence}")


class DamagedPackage(PackageError):
    """Not a zip archive, or one whose structure is broken (truncated, overlapping, bad records)."""


class RefusedPackage(PackageError):
    """A readable package refused by the limits: too large, too many entries, or a zip bomb."""


# What a reader of workbooks (python-calamine) says of damaged content, in partnerkit's words: its
# own sentences name its internals ("Range is missing the expected row component").
_DAMAGE = (
    (("row component", "column component", "alphanumeric", "range"), "a cell has an address that is not one"),
    (("float", "parse", "int"), "a number cell holds something that is not a number"),
    (("shared string", "index", "out of bounds"), "a cell refers to a shared text that the workbook lacks"),
    (("xml", "utf", "encoding", "eof", "tag", "attribute"), "a part of it is not well-formed XML"),
    (("zip", "deflate", "crc", "archive"), "its zip structure is damaged"),
)


def unreadable_content(exc: BaseException) -> str:
    """Why a workbook's content cannot be read, in a phrase of partnerkit's (never the reader's own words)."""
    said = f"{type(exc).__name__} {exc}".casefold()
    for words, phrase in _DAMAGE:
        if any(word in said for word in words):
            return phrase
    return "its content does not follow the workbook format"
