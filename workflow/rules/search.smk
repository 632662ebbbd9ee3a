# Evaluate each database's strategy on the records that database exported.


rule search_hits:
    input:
        strategy=lambda wc: DATABASES[wc.db].strategy,
        records="results/records/{db}.csv",
    output:
        "results/search/{db}.hits.csv",
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/search/{db}.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " query hits {input.strategy:q} {input.records:q} --format csv"
        " -o {output:q}"
