# Deduplicate across all sources: databases first, in config order, then other sources.


rule dedupe:
    input:
        records=[paths.records(slug) for slug in SOURCES],
        pairs=pair_sheet(),
    output:
        unique=paths.UNIQUE,
        groups=paths.GROUPS,
        uncertain=paths.UNCERTAIN,
        overlap=paths.OVERLAP,
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/dedupe.log",
    params:
        cli=LITREVIEW,
        pairs=lambda wc, input: f"--pairs {input.pairs}" if input.pairs else "",
        since=f"--update-of {REVIEW.update_of}" if REVIEW.update_of else "",
    shell:
        "{params.cli} --log {log:q}"
        " dedupe {input.records:q} -o {output.unique:q} --groups {output.groups:q}"
        " --uncertain {output.uncertain:q} --overlap {output.overlap:q} {params.pairs}"
        " {params.since}"
