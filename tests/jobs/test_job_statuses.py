"""A job's status history lives beside the job, not in it (`virtool_api/jobs/statuses.py`): the job document
stays the same size however many statuses it reports, and every answer still carries the whole history."""

import bson

from tests.support.jobs import acquire
from virtool_api.jobs.models import JobState
from virtool_api.jobs.service import create_job, withdraw_job
from virtool_api.jobs.statuses import status_entry, status_history
from virtool_api.storage.mongo import create_indexes
from virtool_api.utils import utc_now


async def post_status(client, job_id: str, auth: dict[str, str], progress: int):
    response = await client.post(
        f"/api/jobs/{job_id}/status", json={"state": "running", "progress": progress}, headers=auth
    )
    assert response.status == 201, await response.text()


async def stored_size(ctx, job_id: str) -> int:
    return len(bson.encode(await ctx.db.jobs.find_one({"_id": job_id})))


async def test_the_job_document_does_not_grow_with_its_statuses_and_get_returns_them_all(
    jobs_client, factory, ctx
):
    job = await factory.analysis_job(await factory.analysis())
    auth = await acquire(jobs_client, job["_id"])
    await post_status(jobs_client, job["_id"], auth, 0)
    size = await stored_size(ctx, job["_id"])

    for progress in range(1, 120):
        await post_status(jobs_client, job["_id"], auth, progress % 100)

    assert await stored_size(ctx, job["_id"]) == size
    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)
    history = (await response.json())["status"]
    assert [entry["state"] for entry in history[:2]] == ["waiting", "preparing"]
    assert [entry["progress"] for entry in history[2:]] == [progress % 100 for progress in range(120)]
    assert await ctx.db.job_statuses.count_documents({"job": job["_id"]}) == 122


async def test_a_status_whose_entry_a_stopped_process_never_stored_is_still_shown(jobs_client, factory, ctx):
    """The job's update numbers the entry and keeps it as `latest_status`; the entry's own document comes
    next. A process stopped in between leaves the job saying what it reported last."""
    job = await factory.analysis_job(await factory.analysis())
    auth = await acquire(jobs_client, job["_id"])
    await post_status(jobs_client, job["_id"], auth, 30)
    await ctx.db.job_statuses.delete_one({"_id": f"{job['_id']}.3"})

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)

    history = (await response.json())["status"]
    assert [(entry["state"], entry["progress"]) for entry in history] == [
        ("waiting", 0),
        ("preparing", 0),
        ("running", 30),
    ]


async def test_a_job_stored_with_its_history_inside_keeps_it_and_adds_new_statuses_after(
    jobs_client, factory, ctx
):
    job = await create_job(ctx, "nuvs", {"analysis_id": "a1"}, await factory.user())
    at = utc_now()
    entry = {"step_name": None, "step_description": None, "error": None, "stage": None}
    old = [{"state": "waiting", "progress": 0, "timestamp": at, **entry}]
    # As a job made by an earlier version is stored: its history in the document, no count.
    await ctx.db.job_statuses.delete_many({"job": job["_id"]})
    await ctx.db.jobs.update_one(
        {"_id": job["_id"]}, {"$set": {"status": old}, "$unset": {"status_count": "", "latest_status": ""}}
    )

    auth = await acquire(jobs_client, job["_id"])
    await post_status(jobs_client, job["_id"], auth, 20)

    document = await ctx.db.jobs.find_one({"_id": job["_id"]})
    states = [(entry["state"], entry["progress"]) for entry in await status_history(ctx, document)]
    assert states == [("waiting", 0), ("preparing", 0), ("running", 20)]
    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)
    assert [entry["state"] for entry in (await response.json())["status"]] == [
        "waiting",
        "preparing",
        "running",
    ]


async def test_a_job_withdrawn_before_anyone_acquired_it_leaves_no_history(factory, ctx):
    job = await create_job(ctx, "nuvs", {"analysis_id": "a1"}, await factory.user())
    assert await ctx.db.job_statuses.count_documents({"job": job["_id"]}) == 1

    await withdraw_job(ctx, job["_id"])

    assert await ctx.db.jobs.find_one({"_id": job["_id"]}) is None
    assert await ctx.db.job_statuses.count_documents({"job": job["_id"]}) == 0


async def test_entries_are_found_by_their_ids_with_no_index_of_their_own(jobs_client, factory, ctx):
    """A post writes the entry and the `_id` index, nothing more; an index over `(job, seq)` that an earlier
    version declared is dropped when the indexes are declared at start-up."""
    await ctx.db.job_statuses.create_index([("job", 1), ("seq", 1)])
    await create_indexes(ctx.db)
    job = await factory.analysis_job(await factory.analysis())
    auth = await acquire(jobs_client, job["_id"])
    for progress in range(12):
        await post_status(jobs_client, job["_id"], auth, progress)

    assert list(await ctx.db.job_statuses.index_information()) == ["_id_"]
    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)
    assert [entry["progress"] for entry in (await response.json())["status"]][2:] == list(range(12))


async def test_a_job_whose_id_starts_with_another_jobs_id_has_a_history_of_its_own(ctx):
    """`j.1`'s entries have ids in `j`'s range (`j.1.1`, ...): the entries' `job` tells them apart."""
    for job_id, state in (("j", JobState.RUNNING), ("j.1", JobState.COMPLETE)):
        entry = status_entry(state, 50)
        await ctx.db.job_statuses.insert_one({"_id": f"{job_id}.1", "job": job_id, "seq": 1, **entry})

    history = await status_history(ctx, {"_id": "j", "status_count": 1})

    assert [entry["state"] for entry in history] == ["running"]
