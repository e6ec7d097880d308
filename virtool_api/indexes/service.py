"""Indexes for people: an administrator builds the next index of a reference (its `otus.json.gz` written here,
its Bowtie2 files by a `build_index` job); everyone signed in lists and reads them.

At most one index of a reference is being built at a time: the reference's `building_index` is claimed in
one conditional update (409 otherwise). The claim ends when the index is finalized or removed, or when its
job has ended without finalizing it (checked at the next build, so a runner that died does not block it).
"""

from datetime import timedelta
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict
from virtool_api.indexes.documents import find_index, render_index, render_indexes
from virtool_api.indexes.files import INDEX_FILES, write_otus_file
from virtool_api.indexes.models import Index, IndexSearchResult
from virtool_api.jobs.models import TERMINAL_STATES, Workflow
from virtool_api.jobs.service import create_job, find_job
from virtool_api.pagination import page_count, skip
from virtool_api.references.otus import has_otus
from virtool_api.references.service import claim_next_index, find_reference, release_index_claim
from virtool_api.users.rights import require_administrator
from virtool_api.users.service import user_ref
from virtool_api.utils import as_utc, random_id, utc_now

NO_OTUS = BadRequest.declare("Reference has no OTUs")
ALREADY_BUILDING = Conflict.declare("An index is already being built for this reference")
UNFINISHED_CLAIM = timedelta(minutes=10)


async def _stale_claim(ctx: Context, reference: dict[str, Any]) -> bool:
    """The claimed index is ready, or its job ended without finalizing it, or it never came to exist.

    A claim whose index does not exist yet is usually a build being created right now (the claim comes first):
    only once it is older than `UNFINISHED_CLAIM` is it a creation that died half-way."""
    index = await ctx.db.indexes.find_one({"_id": reference["building_index"]}, {"ready": 1, "job": 1})
    if index is None:
        claimed_at = reference.get("building_index_claimed_at")
        return claimed_at is None or utc_now() - as_utc(claimed_at) > UNFINISHED_CLAIM
    if index.get("ready"):
        return True
    if not index.get("job"):
        return False  # still being created by the request that claimed it
    job = await find_job(ctx, index["job"]["id"], "state")
    return job is None or job["state"] in TERMINAL_STATES


async def _claim(ctx: Context, reference_id: str, index_id: str) -> dict[str, Any]:
    reference = await find_reference(ctx, reference_id)
    if not await has_otus(ctx, reference_id):
        raise NO_OTUS
    claimed = await claim_next_index(ctx, reference_id, index_id)
    if claimed is None:
        if reference.get("building_index") and await _stale_claim(ctx, reference):
            await release_index_claim(ctx, reference_id, reference["building_index"])
            claimed = await claim_next_index(ctx, reference_id, index_id)
        if claimed is None:
            raise ALREADY_BUILDING
    return claimed


async def _previous_manifest(ctx: Context, reference_id: str) -> dict[str, int] | None:
    previous = (
        await ctx.db.indexes.find({"reference.id": reference_id, "ready": True}, {"manifest": 1})
        .sort("version", -1)
        .limit(1)
        .to_list(None)
    )
    return previous[0].get("manifest") if previous else None


async def create_index(ctx: Context, user: dict[str, Any], reference_id: str) -> Index:
    """The reference's next index (not ready), its `otus.json.gz` and the `build_index` job that builds it.

    Administrators only; 404 for an unknown reference, 400 for one without OTUs, 409 while another index of
    it is being built. If anything fails on the way, what was made goes again and the claim is released.
    """
    require_administrator(user)
    index_id = random_id()
    reference = await _claim(ctx, reference_id, index_id)
    try:
        manifest: dict[str, int] = {}
        otus: list[dict[str, Any]] = []
        await write_otus_file(ctx, index_id, reference_id, manifest, otus)
        previous = await _previous_manifest(ctx, reference_id)
        modified = [otu_id for otu_id, version in manifest.items() if (previous or {}).get(otu_id) != version]
        for otu in otus:
            otu["change_count"] = 1 if otu["id"] in modified else 0
        document = {
            "_id": index_id,
            "version": reference["index_version"],
            "reference": {
                "id": reference_id,
                "name": reference["name"],
                "data_type": reference.get("data_type", "genome"),
            },
            "ready": False,
            "has_files": False,
            "manifest": manifest,
            "otus": otus,
            "change_count": len(modified),
            "modified_otu_count": len(modified),
            "contributors": [],
            "created_at": utc_now(),
            "user": user_ref(user),
            "job": None,
        }
        await ctx.db.indexes.insert_one(document)
        job = await create_job(
            ctx,
            Workflow.BUILD_INDEX,
            {
                "ref_id": reference_id,
                "index_id": index_id,
                "index_version": document["version"],
                "manifest": manifest,
            },
            user_ref(user),
        )
        document["job"] = {"id": job["_id"]}
        await ctx.db.indexes.update_one({"_id": index_id}, {"$set": {"job": document["job"]}})
    except BaseException:
        await ctx.db.indexes.delete_one({"_id": index_id})
        await INDEX_FILES.purge(ctx, index_id)
        await release_index_claim(ctx, reference_id, index_id)
        raise
    return await render_index(ctx, document)


async def get_index(ctx: Context, index_id: str) -> Index:
    return await render_index(ctx, await find_index(ctx, index_id))


async def find_indexes(ctx: Context, reference_id: str, page: int, per_page: int) -> IndexSearchResult:
    """A reference's indexes, newest version first."""
    await find_reference(ctx, reference_id)  # 404 for none, or one still being imported
    query = {"reference.id": reference_id}
    documents = (
        await ctx.db.indexes.find(query, {"manifest": 0, "otus": 0})
        .sort("version", -1)
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    total = await ctx.db.indexes.count_documents(query)
    return IndexSearchResult(
        documents=await render_indexes(ctx, documents),
        found_count=total,
        total_count=total,
        page=page,
        page_count=page_count(total, per_page),
        per_page=per_page,
    )
