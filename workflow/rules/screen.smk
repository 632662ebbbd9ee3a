# Apply the screening stages of screening/criteria.yaml with the reviewers' decision sheets.


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
        " --out {params.out:q}"
