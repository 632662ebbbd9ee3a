# Evaluate each database's strategy on the records that database exported.


rule search_hits:
    input:
        strategy=lambda wc: STRATEGIES[wc.db].strategy,
        records="results/records/{db}.csv",
        config="review.yaml",
        thesauri=lambda wc: [f for f in (STRATEGIES[wc.db].thesaurus,) if f],
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
        " query hits {input.strategy:q} {input.records:q} --review . --format csv"
        " -o {output:q}"


rule search_lint:
    input:
        strategy=lambda wc: STRATEGIES[wc.db].strategy,
        config="review.yaml",
    output:
        "results/search/{db}.lint.txt",
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/search/{db}.lint.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " query lint {input.strategy:q} --review . -o {output:q} > /dev/null"


rule search_compile:
    input:
        strategy=lambda wc: STRATEGIES[wc.db].strategy,
        config="review.yaml",
        thesauri=lambda wc: [f for f in (STRATEGIES[wc.db].thesaurus, STRATEGIES[wc.db].heading_map) if f],
    output:
        expand("results/search/{{db}}.{platform}.txt", platform=PLATFORM_IDS),
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/search/{db}.compile.log",
    params:
        cli=LITREVIEW,
        pattern=lambda wc: f"results/search/{wc.db}.{{platform}}.txt",
    shell:
        "{params.cli} --log {log:q}"
        " query compile {input.strategy:q} --to all --review . -o {params.pattern:q}"
