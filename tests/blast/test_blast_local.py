"""BLAST of NuVs contigs on this machine: BLAST+ against a tiny database built here, and `serve` refusing the
local backend without a database."""

import shutil
import subprocess
from dataclasses import replace

import pytest
from click.testing import CliRunner

from tests.support.blasts import CONTIG_THAT_HITS, KNOWN, make_due, nuvs_analysis, poll_runner
from virtool_api.analyses.blasts import blasts_by_sequence
from virtool_api.cli import main
from virtool_api.server.app import create_public_app

requires_blastn = pytest.mark.skipif(
    shutil.which("blastn") is None or shutil.which("makeblastdb") is None,
    reason="BLAST+ is not installed (Debian package ncbi-blast+; .ci/run installs it)",
)


@requires_blastn
async def test_local_blast_finds_the_known_sequence_and_not_the_unrelated_one(
    ctx, aiohttp_client, factory, tmp_path
):
    fasta = tmp_path / "known.fa"
    fasta.write_text(f">KNOWN001 Known plant virus segment\n{KNOWN}\n")
    database = tmp_path / "blastdb" / "known"
    subprocess.run(
        ["makeblastdb", "-in", str(fasta), "-dbtype", "nucl", "-out", str(database), "-parse_seqids"],
        check=True,
        capture_output=True,
    )
    local_ctx = replace(ctx, config=replace(ctx.config, blast_backend="local", blast_database=str(database)))
    client = await aiohttp_client(create_public_app(local_ctx))
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)

    for index in (0, 3):
        url = f"/api/analyses/{analysis['_id']}/{index}/blast"
        response = await client.put(url, json={}, headers=headers)
        assert response.status == 200
        assert (await response.json())["rid"].startswith("LOCAL-")

    async def both_ready() -> bool:
        await make_due(ctx)
        records = await blasts_by_sequence(ctx, analysis["_id"])
        assert all(record.error is None for record in records.values()), records
        return all(record.ready for record in records.values())

    await poll_runner(client, both_ready, seconds=60)
    records = await blasts_by_sequence(ctx, analysis["_id"])
    hits = records[0].result["hits"]
    assert [hit["accession"] for hit in hits] == ["KNOWN001"]
    assert hits[0]["identity"] == len(CONTIG_THAT_HITS) and hits[0]["gaps"] == 0
    assert records[3].result["hits"] == []
    assert records[0].result["program"] == "blastn"


def test_serve_refuses_the_local_backend_without_a_database(tmp_path):
    result = CliRunner().invoke(
        main, ["serve", "--data-path", str(tmp_path / "data"), "--blast-backend", "local"]
    )
    assert result.exit_code == 1
    assert "the local BLAST backend needs --blast-database" in result.output
