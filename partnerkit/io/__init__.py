"""Adapters: plan files, workbooks, Word documents and charts in and out of the core."""
