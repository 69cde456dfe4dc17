"""Word documents: agreement drafts from editable templates, and the strategy report."""
