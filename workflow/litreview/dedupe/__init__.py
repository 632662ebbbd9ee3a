"""Deduplication: keys of each record, the evidence a pair gives, named rules, groups."""
