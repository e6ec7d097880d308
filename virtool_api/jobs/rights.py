"""What a workflow job may touch: only the resources named in its `args` (job protocol, "Rules").

One function per kind of access, used by every job-API service call; nothing else decides.
"""

from typing import Any

from virtool_api.errors import InsufficientRights, JobFinished
from virtool_api.jobs.models import TERMINAL_STATES, Workflow


def _args(job: dict[str, Any]) -> dict[str, Any]:
    return job.get("args") or {}


def require_self(job: dict[str, Any], job_id: str) -> None:
    """A job's key opens its own job document and nothing else."""
    if job["_id"] != job_id:
        raise InsufficientRights()


def require_sample_read(job: dict[str, Any], sample_id: str) -> None:
    if _args(job).get("sample_id") != sample_id:
        raise InsufficientRights()


def require_sample_write(job: dict[str, Any], sample_id: str) -> None:
    """Only the create-sample job that is building a sample may upload to, finalize or remove it."""
    if job.get("workflow") != Workflow.CREATE_SAMPLE or _args(job).get("sample_id") != sample_id:
        raise InsufficientRights()


def require_analysis(job: dict[str, Any], analysis_id: str) -> None:
    if _args(job).get("analysis_id") != analysis_id:
        raise InsufficientRights()


def require_upload_read(job: dict[str, Any], upload_id: int) -> None:
    files = _args(job).get("files") or []
    if not any(str(file.get("id")) == str(upload_id) for file in files):
        raise InsufficientRights()


def require_active(job: dict[str, Any]) -> None:
    """A job in a terminal state can read, download, upload, finalize and report nothing more (409).

    The job API's authentication asks this for every route but the two the job protocol keeps open to a
    finished job, its ping and the clean-up `DELETE` (declared `finished_job=True` in the route tables).
    """
    if job.get("state") in TERMINAL_STATES:
        raise JobFinished()


def require_index_read(job: dict[str, Any], index_id: str) -> None:
    """An analysis job reads its analysis's index; a build-index job, the index it builds."""
    if _args(job).get("index_id") != index_id:
        raise InsufficientRights()


def require_index_write(job: dict[str, Any], index_id: str) -> None:
    """Only the build-index job that builds an index uploads to, finalizes or removes it."""
    if job.get("workflow") != Workflow.BUILD_INDEX or _args(job).get("index_id") != index_id:
        raise InsufficientRights()


def require_subtraction_read(job: dict[str, Any], subtraction_id: str) -> None:
    """An analysis job reads the subtractions it names; a create-subtraction job, the one it creates."""
    args = _args(job)
    if subtraction_id not in (args.get("subtractions") or []) and not (
        job.get("workflow") == Workflow.CREATE_SUBTRACTION and args.get("subtraction_id") == subtraction_id
    ):
        raise InsufficientRights()


def require_subtraction_write(job: dict[str, Any], subtraction_id: str) -> None:
    """Only the create-subtraction job that creates a subtraction uploads to, finalizes or removes it."""
    creates_it = _args(job).get("subtraction_id") == subtraction_id
    if job.get("workflow") != Workflow.CREATE_SUBTRACTION or not creates_it:
        raise InsufficientRights()
