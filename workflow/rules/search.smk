# Evaluate each database's strategy on the records that database exported.


rule search_hits:
    input:
        strategy=lambda wc: DATABASES[wc.db].strategy,
        records="results/records/{db}.csv",
    output:
        "results/search/{db}.hits.csv",
    log:
        "results/logs/search/{db}.log",
    shell:
        "{LITREVIEW} query hits {input.strategy:q} {input.records:q} --format csv"
        " -o {output:q} 2> {log:q}"
