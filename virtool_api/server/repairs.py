"""What a public API process repairs when it starts (before it serves) and then every `repair_interval`
seconds: the work of processes that stopped half-way (see each repair's module)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from virtool_api.analyses.sample_access import backfill as backfill_sample_access
from virtool_api.api.keys import CONTEXT
from virtool_api.context import Context
from virtool_api.references.repair import remove_orphan_otus, repair_interrupted_imports
from virtool_api.samples.repair import repair_interrupted_creations
from virtool_api.samples.search import backfill as backfill_sample_names

logger = logging.getLogger(__name__)


async def run_repairs(ctx: Context) -> None:
    try:
        await repair_interrupted_creations(ctx, ctx.config.creation_timeout)
    except Exception:
        logger.exception("repairing interrupted sample creations failed")
    try:
        if removed := await repair_interrupted_imports(ctx, ctx.config.creation_timeout):
            logger.warning("removed %d reference imports that a stopped process left unfinished", removed)
    except Exception:
        logger.exception("removing interrupted reference imports failed")
    try:
        if copied := await backfill_sample_access(ctx):
            logger.info("copied the rights fields of %d samples onto their analyses", copied)
    except Exception:
        logger.exception("copying samples' rights fields onto their analyses failed")
    try:
        if given := await backfill_sample_names(ctx):
            logger.info("gave %d samples their lower-cased name for searching", given)
    except Exception:
        logger.exception("giving samples their lower-cased name failed")


async def repairs(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: one round of repairs at start-up, awaited, then a round every `repair_interval`."""
    ctx = app[CONTEXT]
    try:
        if orphaned := await remove_orphan_otus(ctx):
            logger.warning("removed the OTUs of %d references that were never imported whole", orphaned)
    except Exception:
        logger.exception("removing OTUs without a reference failed")
    await run_repairs(ctx)

    async def every_interval() -> None:
        while True:
            await asyncio.sleep(ctx.config.repair_interval)
            await run_repairs(ctx)

    task = asyncio.create_task(every_interval())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
