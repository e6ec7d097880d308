from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from virtool_api.models import StrictModel, Timestamp, UserRef
from virtool_api.pagination import Page, PageQuery


class Workflow(StrEnum):
    """The workflows jobs run: each job's `workflow`, and its runners' Redis list `jobs_<workflow>`."""

    CREATE_SAMPLE = "create_sample"
    BUILD_INDEX = "build_index"
    CREATE_SUBTRACTION = "create_subtraction"
    PATHOSCOPE = "pathoscope_bowtie"
    NUVS = "nuvs"
    AODP = "aodp"


class JobState(StrEnum):
    WAITING = "waiting"
    PREPARING = "preparing"
    RUNNING = "running"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"
    TIMEOUT = "timeout"


TERMINAL_STATES = frozenset(
    {JobState.COMPLETE, JobState.ERROR, JobState.CANCELLED, JobState.TERMINATED, JobState.TIMEOUT}
)


class JobError(BaseModel):
    type: str
    traceback: list[str] = Field(default_factory=list)
    details: list[str] = Field(default_factory=list)


class JobStatusEntry(BaseModel):
    state: JobState
    progress: int
    timestamp: Timestamp
    stage: str | None = None
    step_name: str | None = None
    step_description: str | None = None
    error: JobError | None = None


class JobPing(BaseModel):
    pinged_at: Timestamp


class Job(BaseModel):
    id: str
    created_at: Timestamp
    progress: int
    state: JobState
    stage: str | None = None
    user: UserRef
    workflow: str
    args: dict[str, Any]
    status: list[JobStatusEntry]
    ping: JobPing | None = None
    acquired: bool
    retries: int = 0


class AcquiredJob(Job):
    key: str
    """The job's key in plain text: returned once, stored only as a hash."""


class AcquireJobRequest(StrictModel):
    acquired: bool


class ReportStatusRequest(StrictModel):
    state: JobState
    progress: int = Field(ge=0, le=100)
    stage: str | None = None
    step_name: str | None = None
    step_description: str | None = None
    error: JobError | None = None


class JobMinimal(BaseModel):
    """A job in listings: everything but its status history."""

    id: str
    created_at: Timestamp
    progress: int
    state: JobState
    stage: str | None = None
    user: UserRef
    workflow: str
    args: dict[str, Any]
    acquired: bool


class JobSummary(BaseModel):
    """What a sample, analysis, index or subtraction shows of its job (runners require every field)."""

    id: str
    created_at: Timestamp
    progress: int
    stage: str | None = None
    state: JobState
    user: UserRef
    workflow: str


class QueueQuery(StrictModel):
    workflows: str = Field(
        min_length=1,
        max_length=500,
        description="The workflows the runner takes, comma-separated (`pathoscope_bowtie,nuvs`).",
    )
    wait: float = Field(
        default=0, ge=0, le=30, description="Seconds to wait for a job when none is waiting (long poll)."
    )


class QueuedJob(BaseModel):
    """The oldest waiting job of the workflows asked for, offered to this runner for `OFFER_LEASE` seconds."""

    id: str
    workflow: str


class QueueAnswer(BaseModel):
    job: QueuedJob | None


class JobSearchQuery(PageQuery):
    state: JobState | None = None
    workflow: str | None = None


JobSearchResult = Page[JobMinimal]
