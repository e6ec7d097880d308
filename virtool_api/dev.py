"""`virtool-api dev seed`: demo data so a person can try the job API by hand right after `make run`.

It imports the real plant-virus reference shipped in `demo_data/`, builds its first index (playing the
build-index job in this process: real Bowtie2 files when `bowtie2-build` is installed, stand-in files
otherwise), makes a sample of the simulated TMV/grapevine reads, and leaves two jobs waiting for a person
(or a real runner) to acquire: a `create_sample` job and a `pathoscope_bowtie` analysis job.
"""

import asyncio
import gzip
import json
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

from virtool_api.analyses.documents import create_analysis
from virtool_api.config import Config
from virtool_api.context import Context, create_context
from virtool_api.indexes.lifecycle import finalize_index, upload_index_file
from virtool_api.indexes.service import create_index
from virtool_api.jobs.models import JobState, ReportStatusRequest
from virtool_api.jobs.service import acquire_job, create_job, report_status
from virtool_api.references.models import CreateReferenceRequest
from virtool_api.references.service import import_reference
from virtool_api.samples.documents import create_sample
from virtool_api.samples.files import store_reads
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.uploads.service import create_upload
from virtool_api.utils import random_id, utc_now

DEMO_DATA = resources.files("virtool_api") / "demo_data"
DEMO_QUALITY = {
    "bases": [[35.0, 35.0, 35.0, 35.0, 35.0, 35.0]],
    "composition": [[25.0, 25.0, 25.0, 25.0]],
    "count": 5000,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 42.0,
    "length": [100, 100],
    "sequences": [0] * 30 + [5000],
}
BOWTIE2_SUFFIXES = (".1.bt2", ".2.bt2", ".3.bt2", ".4.bt2", ".rev.1.bt2", ".rev.2.bt2")


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _bowtie2_files(fasta: bytes) -> tuple[dict[str, bytes], bool]:
    """The index's Bowtie2 files: built by bowtie2-build if it is installed, stand-ins otherwise."""
    program = shutil.which("bowtie2-build")
    if program is None:
        return {
            f"reference{suffix}": b"stand-in: install bowtie2 for a real index\n"
            for suffix in BOWTIE2_SUFFIXES
        }, False
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "reference.fa"
        source.write_bytes(fasta)
        prefix = Path(directory) / "reference"
        subprocess.run(  # noqa: S603 (our own file names, a program found on PATH)
            [program, "--threads", "1", "-q", str(source), str(prefix)],
            check=True,
            capture_output=True,
        )
        return {
            f"reference{suffix}": Path(f"{prefix}{suffix}").read_bytes() for suffix in BOWTIE2_SUFFIXES
        }, True


async def _build_index(ctx: Context, job_id: str, index_id: str) -> bool:
    """Do what a build-index runner does, in this process; True when the Bowtie2 files are real."""
    job = (await acquire_job(ctx, job_id)).model_dump()
    job["_id"] = job["id"]
    otus_json = ctx.files.index_file_path(index_id, "otus.json.gz").read_bytes()
    otus = json.loads(gzip.decompress(otus_json))
    fasta = "".join(
        f">{s['_id']}\n{s['sequence']}\n"
        for otu in otus
        for isolate in otu["isolates"]
        for s in isolate["sequences"]
    ).encode()
    bowtie2, real = await asyncio.to_thread(_bowtie2_files, fasta)
    files = {
        "reference.fa.gz": gzip.compress(fasta),
        "reference.json.gz": gzip.compress(json.dumps({"otus": otus}).encode()),
        **bowtie2,
    }
    for name, data in files.items():
        await upload_index_file(ctx, job, index_id, name, _chunks(data))
    await finalize_index(ctx, job, index_id)
    await report_status(ctx, job, job_id, ReportStatusRequest(state=JobState.COMPLETE, progress=100))
    return real


async def _demo_user(ctx: Context) -> dict[str, Any]:
    user = await ctx.db.users.find_one({"handle": "demo"})
    if user is None:
        user = await insert_with_random_id(
            ctx.db.users, {"handle": "demo", "administrator": True, "groups": [], "created_at": utc_now()}
        )
    return {**user, "administrator": True}


async def seed_demo(config: Config) -> list[str]:
    ctx = await create_context(config)
    try:
        user = await _demo_user(ctx)
        owner = {"id": user["_id"], "handle": user["handle"]}
        suffix = random_id(4)

        export = (DEMO_DATA / "plant-viruses.reference.json.gz").read_bytes()
        upload = await create_upload(
            ctx, user, "plant-viruses.reference.json.gz", "reference", _chunks(export)
        )
        reference = await import_reference(ctx, user, CreateReferenceRequest(import_from=upload.id))
        index = await create_index(ctx, user, reference.id)
        assert index.job is not None
        real = await _build_index(ctx, index.job.id, index.id)
        index_document = await ctx.db.indexes.find_one({"_id": index.id})

        new_sample = await create_sample(ctx, name=f"Demo new {suffix}", user=owner)
        create_job_doc = await create_job(
            ctx, "create_sample", {"sample_id": new_sample["_id"], "files": []}, owner
        )
        await ctx.db.samples.update_one(
            {"_id": new_sample["_id"]}, {"$set": {"job": {"id": create_job_doc["_id"]}}}
        )

        ready_sample = await create_sample(
            ctx,
            name=f"Demo TMV grapevine {suffix}",
            user=owner,
            ready=True,
            quality=DEMO_QUALITY,
            status="available",
        )
        reads = (DEMO_DATA / "reads-tmv-grapevine.fq.gz").read_bytes()
        await store_reads(ctx, ready_sample["_id"], "reads_1.fq.gz", _chunks(reads))
        reference_document = await ctx.db.references.find_one({"_id": reference.id})
        analysis = await create_analysis(
            ctx,
            sample=ready_sample,
            workflow="pathoscope_bowtie",
            reference=reference_document,
            index=index_document,
            subtractions=[],
            user=owner,
        )
        analysis_job = await create_job(
            ctx,
            "pathoscope_bowtie",
            {
                "analysis_id": analysis["_id"],
                "sample_id": ready_sample["_id"],
                "ref_id": reference.id,
                "index_id": index.id,
                "subtractions": [],
            },
            owner,
        )
        await ctx.db.analyses.update_one(
            {"_id": analysis["_id"]}, {"$set": {"job": {"id": analysis_job["_id"]}}}
        )
        kind = "real Bowtie2 files" if real else "stand-in files (install bowtie2 for a real index)"
        return [
            f"reference {reference.id}: {reference.name}, {reference.otu_count} OTUs",
            f"index {index.id} (version {index.version}) of reference {reference.id}: ready, {kind}",
            f"create_sample job {create_job_doc['_id']} for sample {new_sample['_id']}",
            f"pathoscope_bowtie job {analysis_job['_id']} for analysis {analysis['_id']}"
            f" of sample {ready_sample['_id']}",
            "acquire one: curl -X PATCH -H 'Content-Type: application/json' -d '{\"acquired\": true}'"
            f" http://localhost:{config.jobs_port}/api/jobs/{create_job_doc['_id']}",
        ]
    finally:
        await ctx.close()
