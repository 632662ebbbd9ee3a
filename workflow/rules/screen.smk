# Apply the screening stages of screening/criteria.yaml with the reviewers' decision sheets.
# The workbooks (to_screen.xlsx, slow to write for a large review) are written by a second
# process beside the rest of the job (threads: 2; with one core, one after the other).


rule screen:
    input:
        unique=paths.UNIQUE,
        groups=paths.GROUPS,
        criteria=REVIEW.criteria,
        sheets=SHEETS,
        coding=CODING,  # read when a stage's automatic rule reads the coding
    output:
        status=paths.STATUS,
        included=paths.INCLUDED,
        sheets=expand(
            paths.stage_file("{stage}", "{name}"),
            stage=STAGES,
            name=paths.STAGE_FILES,
        ),
    threads: 2
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/screen.log",
    params:
        cli=LITREVIEW,
        out=lambda wc, output: Path(output.status).parent,
    shell:
        "{params.cli} --log {log:q}"
        " screen --review . --unique {input.unique:q} --groups {input.groups:q}"
        " --out {params.out:q} --jobs {threads}"
