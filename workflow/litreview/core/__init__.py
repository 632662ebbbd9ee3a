"""The shared ground every stage stands on: records, errors, files, the review's configuration."""
