# Import each source's export files into one records file per source.


rule import_records:
    input:
        lambda wc: SOURCES[wc.source].exports,
    output:
        "results/records/{source}.csv",
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/import/{source}.log",
    params:
        cli=LITREVIEW,
        name=lambda wc: SOURCES[wc.source].name,
        format=lambda wc: SOURCES[wc.source].format,
        searched=lambda wc: SOURCES[wc.source].searched or "''",
    shell:
        "{params.cli} --log {log:q}"
        " import {input:q} --database {params.name:q} --format {params.format}"
        " --searched {params.searched} -o {output:q}"
