"""Runners report themselves every few seconds; one not heard from for `ALIVE_WITHIN` seconds is gone.

The `runners` collection is written only here. A report is one upsert; reports older than `FORGET_AFTER` are
deleted as new ones arrive, so the collection stays as small as the number of runners.
"""

import re
from datetime import timedelta
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.jobs.models import Workflow
from virtool_api.jobs.service import waiting_for_runner
from virtool_api.runners.models import RUNNER_ID, Runner, RunnerReport, RunnersStatus, WorkflowRunners
from virtool_api.utils import utc_now

ALIVE_WITHIN = 30.0
"""Seconds since its last report within which a runner counts as alive (runners report every 10 s)."""
FORGET_AFTER = timedelta(hours=1)


def render_runner(document: dict[str, Any]) -> Runner:
    return Runner.model_validate({**{k: v for k, v in document.items() if k != "_id"}, "id": document["_id"]})


async def report_runner(ctx: Context, runner_id: str, report: RunnerReport) -> Runner:
    """Record the runner as alive now; 404 for an id that is not 1-64 letters, digits, `_`, `.` or `-`."""
    if not re.fullmatch(RUNNER_ID, runner_id):
        raise NotFound()
    now = utc_now()
    document = await ctx.db.runners.find_one_and_update(
        {"_id": runner_id},
        {"$set": {**report.model_dump(mode="json"), "seen_at": now}, "$setOnInsert": {"started_at": now}},
        upsert=True,
        return_document=True,
    )
    await ctx.db.runners.delete_many({"seen_at": {"$lt": now - FORGET_AFTER}})
    return render_runner(document)


async def runners_status(ctx: Context) -> RunnersStatus:
    """The runners alive, and per workflow how many take it and how many jobs wait for one."""
    alive_since = utc_now() - timedelta(seconds=ALIVE_WITHIN)
    runners = [
        render_runner(document)
        async for document in ctx.db.runners.find({"seen_at": {"$gte": alive_since}}).sort("_id", 1)
    ]
    workflows: dict[str, WorkflowRunners] = {}
    for workflow in Workflow:
        waiting, oldest_waiting_at = await waiting_for_runner(ctx, workflow.value)
        workflows[workflow.value] = WorkflowRunners(
            runners=sum(workflow in runner.workflows for runner in runners),
            waiting=waiting,
            oldest_waiting_at=oldest_waiting_at,
            refused=sorted({runner.refused[workflow] for runner in runners if workflow in runner.refused}),
        )
    return RunnersStatus(runners=runners, workflows=workflows, alive_within=ALIVE_WITHIN)
