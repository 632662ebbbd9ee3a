"""Screening: criteria, reviewers' decision sheets, the stages, prioritisation."""
