"""Messy and hostile input: stray far cells, formulas without values, names spelt twice, Markdown payloads,
the bad-input corpus through every command, and a fuzz test over real example files."""
