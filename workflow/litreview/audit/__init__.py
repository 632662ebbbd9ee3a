"""The audit manifest, recomputing every count from the inputs, and a record's trail."""
