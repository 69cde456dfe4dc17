"""Update a user's workbook without Excel: rewrite only partnerkit's own cells and sheets, copy the rest."""

from __future__ import annotations

from partnerkit.io.ooxml.limits import Limits
from partnerkit.io.ooxml.sniff import sniff_workbook
from partnerkit.io.xlsxpatch.patch import PatchReport, patch_bytes, patch_workbook
from partnerkit.io.xlsxpatch.safe_write import check_not_open

__all__ = ["Limits", "PatchReport", "check_not_open", "patch_bytes", "patch_workbook", "sniff_workbook"]
