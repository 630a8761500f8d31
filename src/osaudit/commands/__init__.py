"""One module per CLI command; ``osaudit.cli`` registers them."""
