"""Search strategies: parse, lint, compile to each platform, and evaluate on the records."""
