"""The planning workbook's companion Python module (packaged as ``partnerkit.companion``)."""
