"""The planning workbook: its layout, building it, reading it back."""
