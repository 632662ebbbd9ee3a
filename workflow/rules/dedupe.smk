# Deduplicate across all sources: databases first, in config order, then other sources.
# In one job, or, with `--set-scatter dedupe=N` (N > 1; the SLURM profile sets it), in N
# shard jobs: a plan deals the records out by the components of the pairs worth judging,
# each shard groups its records, and the gather writes the same files, byte for byte.


scattergather:
    dedupe=DEDUPE_SHARDS,


DEDUPE_RECORDS = [paths.records(slug) for slug in SOURCES]
DEDUPE_SINCE = f"--update-of {REVIEW.update_of}" if REVIEW.update_of else ""
SHARDED = len(scatter.dedupe("{scatteritem}")) > 1


if not SHARDED:

    rule dedupe:
        input:
            records=DEDUPE_RECORDS,
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
            pairs=pairs_option,
            since=DEDUPE_SINCE,
        shell:
            "{params.cli} --log {log:q}"
            " dedupe {input.records:q} -o {output.unique:q} --groups {output.groups:q}"
            " --uncertain {output.uncertain:q} --overlap {output.overlap:q} {params.pairs}"
            " {params.since}"

else:

    rule dedupe_plan:
        input:
            records=DEDUPE_RECORDS,
            pairs=pair_sheet(),
        output:
            temp([f"{paths.DEDUPE_PLAN}/{name}" for name in paths.DEDUPE_PLAN_FILES]),
        conda:
            "../envs/litreview.yaml"
        log:
            f"{paths.LOGS}/dedupe/plan.log",
        params:
            cli=LITREVIEW,
            plan=plan_written,
            shards=len(scatter.dedupe("{scatteritem}")),
            pairs=pairs_option,
            since=DEDUPE_SINCE,
        shell:
            "{params.cli} --log {log:q}"
            " dedupe-plan {input.records:q} --shards {params.shards} --plan {params.plan:q}"
            " {params.pairs} {params.since}"

    rule dedupe_shard:
        input:
            records=DEDUPE_RECORDS,
            plan=[f"{paths.DEDUPE_PLAN}/{name}" for name in paths.DEDUPE_PLAN_FILES],
            pairs=pair_sheet(),
        output:
            temp(paths.dedupe_shard("{scatteritem}")),
        conda:
            "../envs/litreview.yaml"
        log:
            f"{paths.LOGS}/dedupe/{{scatteritem}}.log",
        params:
            cli=LITREVIEW,
            plan=plan_read,
            pairs=pairs_option,
        shell:
            "{params.cli} --log {log:q}"
            " dedupe-shard {input.records:q} --plan {params.plan:q}"
            " --shard {wildcards.scatteritem} {params.pairs} -o {output:q}"

    rule dedupe:
        input:
            shards=gather.dedupe(paths.dedupe_shard("{scatteritem}")),
            plan=[f"{paths.DEDUPE_PLAN}/{name}" for name in paths.DEDUPE_PLAN_FILES],
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
            plan=plan_read,
        shell:
            "{params.cli} --log {log:q}"
            " dedupe-gather {input.shards:q} --plan {params.plan:q} -o {output.unique:q}"
            " --groups {output.groups:q} --uncertain {output.uncertain:q}"
            " --overlap {output.overlap:q}"
