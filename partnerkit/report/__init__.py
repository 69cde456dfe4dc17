"""Documents as plain data: the strategy built once (strategy.py, document.py) and written as Markdown."""
