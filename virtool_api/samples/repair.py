"""Undoing what a process killed half-way through creating or removing a sample left behind.

Creating a sample (`service.create_sample_for_user`) takes four steps over two stores that share no
transaction: (1) insert the sample with `job: null`, claiming its name; (2) reserve its uploads for it; (3)
make its create-sample job; (4) link the job to the sample. Killed between (1) and (4), a process leaves a
sample that will never be imported (`job: null`, `awaiting_data`) and uploads that can be neither used ("File
is already reserved") nor removed ("Upload is reserved by a sample"). Removing a sample deletes it and then
frees its uploads: killed in between, the uploads stay reserved by a sample that no longer exists.

The client of an interrupted creation saw its request fail, so the repair takes the creation back (it does not
finish it): the sample goes, its job is withdrawn, its uploads are free, and the same request can be sent
again. A creation younger than `creation_timeout` may still be running in another process and is left alone;
were one to outlast it, its last step finds its sample gone and undoes its own work (409 to its client).
Reservations whose sample is gone are freed whatever their age: a reservation is made after its sample exists,
so a missing sample was removed.

Public API processes (where samples are created) run the repair when they start, before serving, and then
every `repair_interval` seconds.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from virtool_api.context import Context
from virtool_api.jobs.models import Workflow
from virtool_api.jobs.service import find_jobs_by_args, withdraw_job
from virtool_api.samples.models import SampleStatus
from virtool_api.uploads.reservations import (
    adopt_reservations,
    legacy_reservations,
    release_uploads,
    reservation_holders,
)
from virtool_api.utils import utc_now

logger = logging.getLogger(__name__)


@dataclass
class Repaired:
    samples: int = 0
    """Interrupted creations undone."""
    holders: int = 0
    """Samples gone whose reservations were freed."""
    legacy: int = 0
    """Reservations from before migration 0005 freed because no sample holds them."""

    def __bool__(self) -> bool:
        return bool(self.samples or self.holders or self.legacy)


async def repair_interrupted_creations(ctx: Context, older_than: float) -> Repaired:
    """Undo sample creations interrupted over `older_than` seconds ago; free reservations nobody holds."""
    repaired = Repaired()
    cutoff = utc_now() - timedelta(seconds=older_than)
    stuck = ctx.db.samples.find(
        {
            "job": None,
            "ready": False,
            "status": SampleStatus.AWAITING_DATA.value,
            "created_at": {"$lt": cutoff},
        },
        {"_id": 1},
    )
    for sample in await stuck.to_list(None):
        if await _undo_creation(ctx, sample["_id"]):
            repaired.samples += 1

    for sample_id in await _missing_samples(ctx, await reservation_holders(ctx)):
        await release_uploads(ctx, sample_id)
        repaired.holders += 1

    repaired.legacy = await _repair_legacy_reservations(ctx)
    if repaired:
        logger.warning(
            "undid %d sample creations a stopped process left unfinished; freed the uploads of %d removed "
            "samples and %d uploads no sample holds",
            repaired.samples,
            repaired.holders,
            repaired.legacy,
        )
    return repaired


async def _undo_creation(ctx: Context, sample_id: str) -> bool:
    # The sample goes first, on the same condition its creator links the job on: of the two, exactly one wins.
    deleted = await ctx.db.samples.delete_one({"_id": sample_id, "job": None, "ready": False})
    if deleted.deleted_count == 0:
        return False
    for job in await find_jobs_by_args(ctx, Workflow.CREATE_SAMPLE, {"sample_id": sample_id}, "_id"):
        await withdraw_job(ctx, job["_id"])
    await release_uploads(ctx, sample_id)
    return True


async def _missing_samples(ctx: Context, sample_ids: set[str]) -> list[str]:
    ids = sorted(sample_ids)
    missing: list[str] = []
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        found = {
            document["_id"]
            for document in await ctx.db.samples.find({"_id": {"$in": batch}}, {"_id": 1}).to_list(None)
        }
        missing.extend(sample_id for sample_id in batch if sample_id not in found)
    return missing


async def _repair_legacy_reservations(ctx: Context) -> int:
    """Reservations from before they named their sample: adopted by the sample whose create-sample job names
    them, if that sample exists and is linked to that job; freed otherwise. Returns how many were freed."""
    legacy = await legacy_reservations(ctx)
    if not legacy:
        return 0
    held: set[int] = set()
    for job in await find_jobs_by_args(ctx, Workflow.CREATE_SAMPLE, {"files.id": {"$in": legacy}}, "args"):
        sample_id = str((job.get("args") or {}).get("sample_id"))
        sample = await ctx.db.samples.find_one({"_id": sample_id}, {"job": 1})
        if sample is None or (sample.get("job") or {}).get("id") != job["_id"]:
            continue
        upload_ids = [file["id"] for file in job["args"].get("files") or [] if file.get("id") in legacy]
        await adopt_reservations(ctx, sample_id, upload_ids)
        held.update(upload_ids)
    unheld = [upload_id for upload_id in legacy if upload_id not in held]
    if unheld:
        await release_uploads(ctx, None, unheld)
    return len(unheld)
