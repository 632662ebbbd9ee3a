# Apply the screening stages of screening/criteria.yaml with the reviewers' decision sheets.


rule screen:
    input:
        unique="results/dedupe/unique.csv",
        groups="results/dedupe/groups.csv",
        criteria=REVIEW.criteria,
        sheets=SHEETS,
    output:
        status="results/screening/status.csv",
        included="results/screening/included.csv",
        sheets=expand(
            "results/screening/{stage}/{name}",
            stage=STAGES,
            name=[
                "to_screen.csv",
                "to_screen.xlsx",
                "agreement.csv",
                "conflicts.csv",
                "stopping.txt",
            ],
        ),
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/screen.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " screen --review . --unique {input.unique:q} --groups {input.groups:q}"
        " --out results/screening"
