"""What a reader sees: PRISMA 2020 counts and flow diagram, robustness, the report."""
