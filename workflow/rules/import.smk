# Import each source's export files into one records file per source. Unreadable blocks
# stop the import, unless the source says `rejects: true`: then they are set aside in
# the rejects file, with the reason, and the counts say so. A source's files are read in
# parallel, one process each (threads: one per file, at most 4; Snakemake gives a job at most
# --cores).


rule import_records:
    input:
        lambda wc: SOURCES[wc.source].exports,
    output:
        records=paths.records("{source}"),
        rejects=paths.rejects("{source}"),
    conda:
        "../envs/litreview.yaml"
    threads: lambda wc: min(len(SOURCES[wc.source].exports), 4)
    log:
        f"{paths.LOGS}/import/{{source}}.log",
    params:
        cli=LITREVIEW,
        name=lambda wc: SOURCES[wc.source].name,
        format=lambda wc: SOURCES[wc.source].format,
        searched=lambda wc: SOURCES[wc.source].searched or "''",
        options=lambda wc: import_options(SOURCES[wc.source]),
    shell:
        "{params.cli} --log {log:q}"
        " import {input:q} --database {params.name:q} --format {params.format}"
        " --searched {params.searched} {params.options} --jobs {threads}"
        " -o {output.records:q}"
