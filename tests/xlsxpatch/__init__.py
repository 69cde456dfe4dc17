"""Tests of workbook sync without Excel (partnerkit.io.xlsxpatch)."""
