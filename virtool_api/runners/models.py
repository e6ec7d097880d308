from pydantic import BaseModel, Field

from virtool_api.jobs.models import Workflow
from virtool_api.models import StrictModel, Timestamp

RUNNER_ID = r"^[A-Za-z0-9_.-]{1,64}$"


class RunnerReport(StrictModel):
    """What a runner says of itself every few seconds (`PUT /runners/{id}` on the job API)."""

    host: str = Field(max_length=255, description="The machine it runs on.")
    pid: int = Field(ge=0, le=2**31 - 1)
    version: str = Field(max_length=64)
    workflows: list[Workflow] = Field(max_length=len(Workflow), description="The workflows it takes.")
    refused: dict[Workflow, str] = Field(
        default_factory=dict,
        max_length=len(Workflow),
        description="Workflows it cannot take, each with why (a missing tool, the package that brings it).",
    )
    slots: int = Field(ge=1, le=256, description="How many jobs it runs at once.")
    running: list[str] = Field(default_factory=list, max_length=256, description="The jobs it is running.")
    source: str = Field(max_length=32, description="Where it learns of jobs: `redis` or `server`.")


class Runner(RunnerReport):
    id: str
    started_at: Timestamp
    seen_at: Timestamp


class WorkflowRunners(BaseModel):
    runners: int = Field(description="Runners alive that take the workflow.")
    waiting: int = Field(description="Jobs of the workflow waiting for a runner.")
    oldest_waiting_at: Timestamp | None = Field(description="When the oldest of them was created.")
    refused: list[str] = Field(description="Why runners alive cannot take it (missing tools).")


class RunnersStatus(BaseModel):
    runners: list[Runner] = Field(description="Runners heard from in the last `alive_within` seconds.")
    workflows: dict[str, WorkflowRunners]
    alive_within: float
