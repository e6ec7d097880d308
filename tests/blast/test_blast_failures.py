"""BLAST when things go wrong: no internet, no BLAST+, results a JSON column cannot hold, hostile JSON.

The fake NCBI is tests/support/fake_ncbi.py's and the helpers tests/support/blasts.py's; the `config`
fixture of tests/blast/conftest.py points the app at the fake.
"""

import io
import json
import logging
import zipfile
from dataclasses import replace
from typing import Any

from click.testing import CliRunner

from tests.support.blasts import blast_of, make_due, nuvs_analysis, poll_runner
from tests.support.fake_ncbi import NCBI_HIT
from tests.support.real_server import free_port
from virtool_api.cli import main
from virtool_api.server.app import create_public_app


def reject_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def archive_of(report_text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("RID_1.json", report_text)
    return buffer.getvalue()


def report(hits: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "BlastOutput2": {
            "report": {
                "program": "blastn",
                "version": "BLASTN 2.16.0+",
                "search_target": {"db": "nt"},
                "results": {"search": {"hits": hits}},
            }
        }
    }


async def blast_until(public_client, ctx, analysis_id: str, done) -> Any:  # type: ignore[no-untyped-def]
    async def finished() -> bool:
        await make_due(ctx)
        return done(await blast_of(ctx, analysis_id, 0))

    await poll_runner(public_client, finished)
    return await blast_of(ctx, analysis_id, 0)


async def test_non_finite_numbers_in_a_result_are_stored_as_null(
    public_client,
    factory,
    ctx,
    fake_ncbi,
    caplog,
):
    """NaN or Infinity in NCBI's JSON: the hit is kept, those numbers are null, the analysis still renders."""
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    hit = json.loads(json.dumps(NCBI_HIT))
    hit["hsps"][0]["bit_score"] = float("nan")
    hit["hsps"][0]["evalue"] = float("inf")
    fake_ncbi.waiting_checks = 0
    fake_ncbi.archive = archive_of(json.dumps(report([hit])).replace("Infinity", "1e999"))
    caplog.set_level(logging.WARNING, "virtool_api.blast")

    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 200
    record = await blast_until(public_client, ctx, analysis["_id"], lambda r: r.ready or r.error)

    assert record.error is None and record.ready is True
    [stored] = record.result["hits"]
    assert (stored["accession"], stored["bit_score"], stored["evalue"], stored["score"]) == (
        "NC_001367",
        None,
        None,
        292,
    )
    assert "BLAST hit NC_001367: ['bit_score', 'evalue'] not finite numbers, stored as null" in caplog.text
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=headers)
    assert response.status == 200
    body = json.loads(await response.text(), parse_constant=reject_constant)
    assert body["results"]["hits"][0]["blast"]["result"]["hits"][0]["bit_score"] is None


async def test_a_result_too_deeply_nested_to_parse_becomes_an_error(
    public_client,
    factory,
    ctx,
    fake_ncbi,
):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 0
    fake_ncbi.archive = archive_of('{"BlastOutput2": ' + "[" * 5000 + "]" * 5000 + "}")

    await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    record = await blast_until(public_client, ctx, analysis["_id"], lambda r: r.ready or r.error)

    assert record.ready is False
    assert record.error == "NCBI returned a malformed result"


async def test_unreachable_ncbi_is_a_502_that_says_what_to_do_and_is_logged(
    aiohttp_client, ctx, factory, caplog
):
    offline = replace(
        ctx, config=replace(ctx.config, blast_ncbi_url=f"http://127.0.0.1:{free_port()}/Blast.cgi")
    )
    client = await aiohttp_client(create_public_app(offline))
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    caplog.set_level(logging.WARNING, "virtool_api.blast")

    response = await client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)

    assert response.status == 502
    body = await response.json()
    assert body["id"] == "blast_unavailable"
    assert body["message"].startswith("The BLAST service could not be reached (NCBI could not be reached (")
    assert "--blast-backend local" in body["message"]
    assert f"BLAST of contig 0 of analysis {analysis['_id']} not started (ncbi backend)" in caplog.text
    assert await blast_of(ctx, analysis["_id"], 0) is None


def test_serve_refuses_the_local_backend_without_blastn(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "serve",
            f"--data-path={tmp_path / 'data'}",
            "--blast-backend=local",
            f"--blast-database={tmp_path / 'db'}",
            "--port=0",
            "--jobs-port=0",
        ],
        env={"PATH": str(tmp_path)},
    )

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: the local BLAST backend needs BLAST+'s blastn on the PATH: install it (Debian and Ubuntu: "
        "apt-get install ncbi-blast+) or BLAST at NCBI with --blast-backend ncbi"
    ]
    assert not (tmp_path / "data").exists()
