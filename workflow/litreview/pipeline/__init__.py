"""Running a review: the checks before a run, the Snakefile's helpers, a new review."""
