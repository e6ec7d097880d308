"""The job summary other documents show in their `job` field (samples, analyses, indexes, subtractions).

Documents store only `{"id": ...}`; the summary is looked up from the jobs collection when the document is
shown, so it is never stale. Runners validate it strictly: a bare `{id}` fails them
(`tests/support/runner_models.py`, after virtool-workflow's models).
"""

from typing import Any

from virtool_api.context import Context
from virtool_api.storage.steps import Find, Steps, run_steps

SUMMARY_FIELDS = {"created_at": 1, "progress": 1, "stage": 1, "state": 1, "user": 1, "workflow": 1}

JobSummaryFields = dict[str, Any]
"""A job's summary as `JobSummary` takes it: validated with the document that shows it, by its model (a
sample's, a page's), in the same call."""


def _job_id(document: dict[str, Any]) -> str | None:
    job = document.get("job")
    return job.get("id") if isinstance(job, dict) else None


async def job_summaries(ctx: Context, documents: list[dict[str, Any]]) -> dict[str, JobSummaryFields]:
    """The summaries of the jobs `documents` name, in one query: `{job id: summary}`."""
    return await run_steps(ctx.db, job_summaries_steps(documents))


def job_summaries_steps(documents: list[dict[str, Any]]) -> Steps[dict[str, JobSummaryFields]]:
    """`job_summaries` as steps, to go with others in one round trip (`storage/steps.py`)."""
    job_ids = sorted({job_id for document in documents if (job_id := _job_id(document))})
    if not job_ids:
        return {}
    jobs = yield Find("jobs", {"_id": {"$in": job_ids}}, SUMMARY_FIELDS)
    for job in jobs:  # read for these summaries alone: named as shown in place of a copy each
        job["id"] = job["_id"]
    return {job["_id"]: job for job in jobs}


def summary_of(document: dict[str, Any], summaries: dict[str, JobSummaryFields]) -> JobSummaryFields | None:
    """The document's job summary; null when it has no job, or its job no longer exists."""
    job_id = _job_id(document)
    return summaries.get(job_id) if job_id else None


async def job_summary(ctx: Context, document: dict[str, Any]) -> JobSummaryFields | None:
    """One document's job summary (see `job_summaries` for listings)."""
    return summary_of(document, await job_summaries(ctx, [document]))
