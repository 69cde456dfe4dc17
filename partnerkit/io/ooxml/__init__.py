"""The OOXML layer: zip packages, their size limits, file sniffing, hardened XML and A1 references.

One small module per job, shared by every reader and writer of workbooks and Word documents
(the facts reader, the workbook reader, workbook sync and the Word engine). It knows nothing of
plans: only of zip entries, parts, sheets and cells. Submodules are imported where they are used,
so importing this package costs nothing.
"""
