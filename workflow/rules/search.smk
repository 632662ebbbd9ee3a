# Evaluate each database's strategy on the records that database exported.


rule search_hits:
    input:
        strategy=lambda wc: STRATEGIES[wc.db].strategy,
        records=paths.records("{db}"),
        config=CONFIG_NAME,
        thesauri=lambda wc: [f for f in (STRATEGIES[wc.db].thesaurus,) if f],
    output:
        paths.hits("{db}"),
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/search/{{db}}.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " query hits {input.strategy:q} {input.records:q} --review . --format csv"
        " -o {output:q}"


rule search_lint:
    input:
        strategy=lambda wc: STRATEGIES[wc.db].strategy,
        config=CONFIG_NAME,
    output:
        paths.lint("{db}"),
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/search/{{db}}.lint.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " query lint {input.strategy:q} --review . -o {output:q} > /dev/null"


rule search_compile:
    input:
        strategy=lambda wc: STRATEGIES[wc.db].strategy,
        config=CONFIG_NAME,
        thesauri=lambda wc: [f for f in (STRATEGIES[wc.db].thesaurus, STRATEGIES[wc.db].heading_map) if f],
    output:
        expand(paths.compiled("{{db}}", "{platform}"), platform=PLATFORM_IDS),
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/search/{{db}}.compile.log",
    params:
        cli=LITREVIEW,
        pattern=lambda wc: paths.compiled(wc.db, "{platform}"),
    shell:
        "{params.cli} --log {log:q}"
        " query compile {input.strategy:q} --to all --review . -o {params.pattern:q}"
