"""litreview: a literature-review search and screening pipeline."""

__version__ = "0.1.0"
