"""The audit: the manifest of what went in and came out (``manifest``), every count
recomputed from the inputs alone (``verify``), and one record's story (``trail``)."""

