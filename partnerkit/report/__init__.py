"""Documents as plain data and text: the strategy in Markdown and view models for Word."""
