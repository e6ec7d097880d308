"""`virtool-api dev seed`: demo data so a person can try the job API by hand right after `make run`."""

import gzip
from collections.abc import AsyncIterator

from virtool_api.analyses.documents import create_analysis
from virtool_api.config import Config
from virtool_api.context import create_context
from virtool_api.jobs.service import create_job
from virtool_api.samples.documents import create_sample
from virtool_api.samples.files import store_reads
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import random_id, utc_now

DEMO_READS = b"@read1\nACGTACGTACGTACGTACGT\n+\nIIIIIIIIIIIIIIIIIIII\n" * 100
DEMO_QUALITY = {
    "bases": [[36.0, 36.0, 36.0, 36.0, 36.0, 36.0]],
    "composition": [[25.0, 25.0, 25.0, 25.0]],
    "count": 100,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 50.0,
    "length": [20, 20],
    "sequences": [0] * 39 + [100],
}


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def seed_demo(config: Config) -> list[str]:
    ctx = await create_context(config)
    try:
        user = await ctx.db.users.find_one({"handle": "demo"})
        if user is None:
            user = await insert_with_random_id(
                ctx.db.users,
                {"handle": "demo", "administrator": False, "groups": [], "created_at": utc_now()},
            )
        user_ref = {"id": user["_id"], "handle": user["handle"]}
        suffix = random_id(4)

        new_sample = await create_sample(ctx, name=f"Demo new {suffix}", user=user_ref)
        create_job_doc = await create_job(
            ctx, "create_sample", {"sample_id": new_sample["_id"], "files": []}, user_ref
        )
        await ctx.db.samples.update_one(
            {"_id": new_sample["_id"]}, {"$set": {"job": {"id": create_job_doc["_id"]}}}
        )

        ready_sample = await create_sample(
            ctx,
            name=f"Demo ready {suffix}",
            user=user_ref,
            ready=True,
            quality=DEMO_QUALITY,
            status="available",
        )
        await store_reads(ctx, ready_sample["_id"], "reads_1.fq.gz", _chunks(gzip.compress(DEMO_READS)))
        reference = await insert_with_random_id(
            ctx.db.references, {"name": "Demo plant viruses", "data_type": "genome"}
        )
        index = await insert_with_random_id(
            ctx.db.indexes, {"reference": {"id": reference["_id"]}, "version": 0, "ready": True}
        )
        subtraction = await insert_with_random_id(ctx.db.subtractions, {"name": "Demo host", "ready": True})
        analysis = await create_analysis(
            ctx,
            sample=ready_sample,
            workflow="pathoscope_bowtie",
            reference=reference,
            index=index,
            subtractions=[subtraction],
            user=user_ref,
        )
        analysis_job = await create_job(
            ctx,
            "pathoscope_bowtie",
            {
                "analysis_id": analysis["_id"],
                "sample_id": ready_sample["_id"],
                "ref_id": reference["_id"],
                "index_id": index["_id"],
                "subtractions": [subtraction["_id"]],
            },
            user_ref,
        )
        await ctx.db.analyses.update_one(
            {"_id": analysis["_id"]}, {"$set": {"job": {"id": analysis_job["_id"]}}}
        )
        return [
            f"create_sample job {create_job_doc['_id']} for sample {new_sample['_id']}",
            f"pathoscope_bowtie job {analysis_job['_id']} for analysis {analysis['_id']}"
            f" of sample {ready_sample['_id']}",
            "acquire one: curl -X PATCH -H 'Content-Type: application/json' -d '{\"acquired\": true}'"
            f" http://localhost:{config.jobs_port}/api/jobs/{create_job_doc['_id']}",
        ]
    finally:
        await ctx.close()
