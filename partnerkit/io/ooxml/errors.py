"""The errors of the OOXML layer: one sentence saying why, without the file's name (the caller adds it)."""

from __future__ import annotations

from partnerkit.errors import PartnerkitError


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
