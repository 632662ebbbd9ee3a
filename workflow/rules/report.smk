# PRISMA 2020 counts and diagram, the HTML report, and the audit manifest.
import shlex


rule prisma:
    input:
        groups=paths.GROUPS,
        records=[paths.records(slug) for slug in SOURCES],
        rejects=[paths.rejects(slug) for slug in SOURCES],
        status=paths.STATUS,
        criteria=REVIEW.criteria,
        studies=studies_sheet(),
        strategies=[source.strategy for source in STRATEGIES.values()],
        sidecars=search_sidecars(REVIEW),
    output:
        counts=paths.COUNTS,
        flow=report(
            paths.FLOW_SVG, caption="../report/flow.rst", category="PRISMA 2020"
        ),
        png=paths.FLOW_PNG,
        template=paths.PRISMA_CSV,
        searches=paths.PRISMA_S,
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/prisma.log",
    params:
        cli=LITREVIEW,
        studies=studies_option,
    shell:
        "{params.cli} --log {log:q}"
        " prisma --review . --groups {input.groups:q} --status {input.status:q}"
        " --records {input.records:q} --rejects {input.rejects:q}"
        " {params.studies}"
        " -o {output.counts:q} --svg {output.flow:q} --png {output.png:q}"
        " --csv {output.template:q} --prisma-s {output.searches:q}"


rule report:
    input:
        counts=paths.COUNTS,
        flow=paths.FLOW_SVG,
        overlap=paths.OVERLAP,
        hits=expand(paths.hits("{db}"), db=STRATEGIES),
        agreement=expand(paths.stage_file("{stage}", "agreement.csv"), stage=STAGES),
        stopping=expand(paths.stage_file("{stage}", "stopping.txt"), stage=STAGES),
        included=paths.INCLUDED,
        coding=CODING_OUTPUTS,
        searches=paths.PRISMA_S,
        citations=search_sidecars(REVIEW, kind="citation_searching"),
        citation_records=[
            paths.records(s.slug)
            for s in REVIEW.other_sources
            if s.kind == "citation_searching"
        ],
    output:
        report(paths.REPORT, caption="../report/report.rst", category="Report"),
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/report.log",
    params:
        cli=LITREVIEW,
        coding=f"--coding {paths.CODING}" if CODING else "",
        citations=lambda wildcards, input: (
            "--citations "
            + " ".join(shlex.quote(str(f)) for f in input.citations)
            + " --citation-records "
            + " ".join(shlex.quote(str(f)) for f in input.citation_records)
            if input.citations
            else ""
        ),
    shell:
        "{params.cli} --log {log:q}"
        " report --review . --counts {input.counts:q} --flow {input.flow:q}"
        " --overlap {input.overlap:q} --hits {input.hits:q} --agreement {input.agreement:q}"
        " --stopping {input.stopping:q}"
        " --included {input.included:q} {params.coding} --prisma-s {input.searches:q}"
        " {params.citations} -o {output:q}"


rule audit:
    input:
        counts=paths.COUNTS,
        hits=expand(paths.hits("{db}"), db=STRATEGIES),
        agreement=expand(paths.stage_file("{stage}", "agreement.csv"), stage=STAGES),
        coding=CODING_OUTPUTS,
        report=paths.REPORT,
        inputs=REVIEW_INPUTS,
    output:
        paths.MANIFEST,
    conda:
        "../envs/litreview.yaml"
    log:
        f"{paths.LOGS}/audit.log",
    params:
        cli=LITREVIEW,
        coding=f"--coding {paths.CODING_SUMMARY}" if CODING else "",
    shell:
        "{params.cli} --log {log:q}"
        " audit --review . --counts {input.counts:q} --hits {input.hits:q}"
        " --agreement {input.agreement:q} {params.coding} -o {output:q}"


if CODING:

    rule code:
        input:
            unique=paths.UNIQUE,
            groups=paths.GROUPS,
            criteria=REVIEW.criteria,
            sheets=SHEETS,
            coding=CODING,
            studies=studies_sheet(),
        output:
            report(
                f"{paths.CODING}/{paths.SUMMARY_MD}",
                caption="../report/robustness.rst",
                category="Robustness",
            ),
            [f"{paths.CODING}/{name}" for name in paths.CODING_FILES[1:]],
        conda:
            "../envs/litreview.yaml"
        log:
            f"{paths.LOGS}/code.log",
        params:
            cli=LITREVIEW,
            out=lambda wc, output: Path(output[0]).parent,
            studies=studies_option,
        shell:
            "{params.cli} --log {log:q}"
            " code --review . --unique {input.unique:q} --groups {input.groups:q}"
            " {params.studies} --out {params.out:q}"
