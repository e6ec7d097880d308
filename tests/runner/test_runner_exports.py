"""The exports of results our runner really made (issue 20): a Pathoscope analysis and a NuVs analysis of
simulated reads, run with the real tools, exported as CSV and as a workbook; both hold exactly the report the
page shows, and the report names what the runner found from the analysis's index."""

import csv
import gzip
import io
import json
from typing import Any

import pytest

from tests.support.hmm_data import install as install_hmms
from tests.support.reads import QUALITY
from tests.support.references_helpers import DEMO_DATA, REFERENCE_EXPORT, import_reference
from tests.support.runner_world import job_end, our_runner, ready_sample, start_analysis
from tests.support.workbooks import read_workbook
from virtool_api.analyses.nuvs_report import ORF_HEADER, orf_rows
from virtool_api.analyses.pathoscope_report import CSV_HEADER, sequence_rows
from virtool_api.dev import simulate
from virtool_api.dev.hmms import build as build_hmms
from virtool_api.dev.hmms import proteins, read_fasta_gz
from virtool_api.runner.tools import BOWTIE2, SPADES, why_missing

pytestmark = pytest.mark.skipif(
    why_missing([BOWTIE2, SPADES]) is not None,
    reason=f"needs Bowtie2 and SPAdes: {why_missing([BOWTIE2, SPADES])}",
)

GLRAV3 = "Grapevine leafroll-associated virus 3"


def as_text(rows: list[list[Any]]) -> list[list[str]]:
    """Rows as the CSV writes them (numbers by `str`, a formula-looking text guarded)."""
    return [
        ["'" + v if isinstance(v, str) and len(v) > 1 and v[0] in "=+-@" else str(v) for v in row]
        for row in rows
    ]


async def exported(public_client, analysis_id: str, headers: dict[str, str], query: str) -> tuple[list, Any]:  # type: ignore[no-untyped-def]
    csv_response = await public_client.get(f"/api/analyses/{analysis_id}.csv?{query}", headers=headers)
    assert csv_response.status == 200, await csv_response.text()
    rows = list(csv.reader(io.StringIO(await csv_response.text())))
    xlsx_response = await public_client.get(f"/api/analyses/{analysis_id}.xlsx?{query}", headers=headers)
    assert xlsx_response.status == 200
    return rows, read_workbook(await xlsx_response.read())


async def report(public_client, analysis_id: str, headers: dict[str, str], query: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await public_client.get(f"/api/analyses/{analysis_id}/report?{query}", headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


def sheet(book: Any, name: str) -> list[list[Any]]:
    return [
        ["" if value is None else value for value in row] for row in book[name].iter_rows(values_only=True)
    ]


async def test_exports_of_the_runners_real_pathoscope_and_nuvs_results(
    public_client, jobs_client, factory, tmp_path
):
    _, admin = await factory.person(administrator=True)
    genomes = read_fasta_gz(DEMO_DATA / "plant-viruses.fa.gz")
    # GLRaV-3 left out of the reference: Pathoscope finds TMV, NuVs assembles GLRaV-3.
    export = json.loads(gzip.decompress(REFERENCE_EXPORT))
    export["otus"] = [otu for otu in export["otus"] if otu["name"] != GLRAV3]
    reference = await import_reference(public_client, admin, gzip.compress(json.dumps(export).encode()))
    index = await (
        await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin)
    ).json()
    reads = simulate.reads(
        [("NC_001367", genomes["NC_001367"], 1500), ("NC_004667", genomes["NC_004667"], 4000)], seed=5
    )
    sample = await ready_sample(public_client, jobs_client, admin, reads, QUALITY)
    glrav3 = [(n + 1, f"GLRaV3 protein {n + 1}", p) for n, p in enumerate(proteins(genomes["EU259806"]))]
    profiles, annotations = build_hmms(glrav3)
    assert (await install_hmms(public_client, admin, annotations, profiles)).status == 200

    async with our_runner(jobs_client, tmp_path / "work"):
        assert (await job_end(public_client, admin, index["job"]["id"]))["state"] == "complete"
        analyses = {
            workflow: await start_analysis(public_client, admin, sample["id"], reference["id"], workflow, [])
            for workflow in ("pathoscope_bowtie", "nuvs")
        }
        for analysis in analyses.values():
            job = await job_end(public_client, admin, analysis["job"]["id"])
            assert job["state"] == "complete", job["status"][-1]

    # Pathoscope: TMV named from the index, down to its accession; the files hold the report's rows.
    pathoscope_id = analyses["pathoscope_bowtie"]["id"]
    for query in ("", "sort=reads&order=asc", "min_weight=5"):
        shown = await report(public_client, pathoscope_id, admin, query)
        rows, book = await exported(public_client, pathoscope_id, admin, query)
        assert rows == [CSV_HEADER, *as_text(sequence_rows(shown["otus"]))]
        assert sheet(book, "Sequences") == [CSV_HEADER, *sequence_rows(shown["otus"])]
    shown = await report(public_client, pathoscope_id, admin, "")
    assert shown["otus"][0]["name"] == "Tobacco mosaic virus"
    accessions = {s["accession"] for i in shown["otus"][0]["isolates"] for s in i["sequences"]}
    assert "NC_001367" in accessions
    assert max(shown["otus"][0]["isolates"][0]["sequences"][0]["track"]) > 0

    # NuVs: the assembled contigs, their ORFs and HMM hits, as the page lists them.
    nuvs_id = analyses["nuvs"]["id"]
    for query in ("", "sort=length", "with_hits=true"):
        shown = await report(public_client, nuvs_id, admin, query)
        rows, book = await exported(public_client, nuvs_id, admin, query)
        assert rows == [ORF_HEADER, *as_text(orf_rows(shown["contigs"]))]
        assert sheet(book, "ORFs") == [ORF_HEADER, *orf_rows(shown["contigs"])]
    shown = await report(public_client, nuvs_id, admin, "with_hits=true")
    assert shown["contigs"], "NuVs found no contig with an HMM hit"
    assert any(hit["names"] for c in shown["contigs"] for orf in c["orfs"] for hit in orf["hits"])
    fasta = await (await public_client.get(f"/api/analyses/{nuvs_id}.fa", headers=admin)).text()
    assert fasta.count(">") == len((await report(public_client, nuvs_id, admin, ""))["contigs"])
