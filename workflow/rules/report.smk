# PRISMA 2020 counts and diagram, the HTML report, and the audit manifest.


rule prisma:
    input:
        groups="results/dedupe/groups.csv",
        records=[f"results/records/{slug}.csv" for slug in SOURCES],
        rejects=[f"results/records/{slug}.rejects.csv" for slug in SOURCES],
        status="results/screening/status.csv",
        criteria=REVIEW.criteria,
        studies=studies_sheet(),
    output:
        counts="results/prisma/counts.json",
        flow=report(
            "results/prisma/flow.svg", caption="../report/flow.rst", category="PRISMA 2020"
        ),
        png="results/prisma/flow.png",
        template="results/prisma/prisma2020.csv",
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/prisma.log",
    params:
        cli=LITREVIEW,
        studies=studies_option,
    shell:
        "{params.cli} --log {log:q}"
        " prisma --review . --groups {input.groups:q} --status {input.status:q}"
        " --records {input.records:q} --rejects {input.rejects:q}"
        " {params.studies}"
        " -o {output.counts:q} --svg {output.flow:q} --png {output.png:q}"
        " --csv {output.template:q}"


rule report:
    input:
        counts="results/prisma/counts.json",
        flow="results/prisma/flow.svg",
        overlap="results/dedupe/overlap.csv",
        hits=expand("results/search/{db}.hits.csv", db=STRATEGIES),
        agreement=expand("results/screening/{stage}/agreement.csv", stage=STAGES),
        robustness="results/robustness/summary.csv",
        stopping=expand("results/screening/{stage}/stopping.txt", stage=STAGES),
        included="results/screening/included.csv",
    output:
        report("results/report.html", caption="../report/report.rst", category="Report"),
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/report.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " report --review . --counts {input.counts:q} --flow {input.flow:q}"
        " --overlap {input.overlap:q} --hits {input.hits:q} --agreement {input.agreement:q}"
        " --robustness results/robustness --stopping {input.stopping:q}"
        " --included {input.included:q} -o {output:q}"


rule audit:
    input:
        counts="results/prisma/counts.json",
        hits=expand("results/search/{db}.hits.csv", db=STRATEGIES),
        agreement=expand("results/screening/{stage}/agreement.csv", stage=STAGES),
        robustness="results/robustness/summary.csv",
        report="results/report.html",
        inputs=REVIEW_INPUTS,
    output:
        "results/audit/manifest.json",
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/audit.log",
    params:
        cli=LITREVIEW,
    shell:
        "{params.cli} --log {log:q}"
        " audit --review . --counts {input.counts:q} --hits {input.hits:q}"
        " --agreement {input.agreement:q} --robustness {input.robustness:q} -o {output:q}"


rule robustness:
    input:
        included="results/screening/included.csv",
        groups="results/dedupe/groups.csv",
        sheet=EXTRACTION,
        studies=studies_sheet(),
    output:
        summary=report(
            "results/robustness/summary.md",
            caption="../report/robustness.rst",
            category="Robustness",
        ),
        table="results/robustness/summary.csv",
        studies="results/robustness/studies.csv",
        charts="results/robustness/charts.html",
    conda:
        "../envs/litreview.yaml"
    log:
        "results/logs/robustness.log",
    params:
        cli=LITREVIEW,
        studies=studies_option,
    shell:
        "{params.cli} --log {log:q}"
        " robustness --review . --included {input.included:q} --groups {input.groups:q}"
        " {params.studies} --out results/robustness"
