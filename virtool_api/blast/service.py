"""BLAST of NuVs contigs: start one, poll it in the background until a definite answer, survive restarts.

A BLAST is a `nuvs_blast` row, which the analyses domain owns and writes (`analyses/blasts.py`). The process
that starts it claims it; a `BlastRunner` in every public-API process checks the rows it holds a claim on, or
whose claim has expired (a stopped or crashed process), at growing intervals, and stores each answer through
`analyses/blasts.py`, whose writes are conditional on the claim.
"""

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from virtool_api.analyses.blasts import (
    CLAIM_LEASE,
    BlastRow,
    announce_blast,
    claim_blast,
    due_blasts,
    get_blast_row,
    release_claims,
    replace_blast,
    save_blast,
)
from virtool_api.analyses.results import NuvsBlastRecord
from virtool_api.analyses.service import ANALYSIS_RUNNING, analysis_with_rights
from virtool_api.analyses.stored_results import find_nuvs_hit
from virtool_api.blast.backends import BlastBackend, BlastFailed, BlastStatus, BlastUnavailable
from virtool_api.context import Context
from virtool_api.errors import Conflict, InsufficientRights, NotFound, ServiceError
from virtool_api.jobs.models import Workflow
from virtool_api.utils import as_utc, random_id, utc_now

logger = logging.getLogger(__name__)

INTERVAL_GROWTH = 1.5
STOP_GRACE = 10.0


class BlastServiceUnavailable(ServiceError):
    """502, saying why and, for NCBI, what an offline server can do instead."""

    status = 502
    id = "blast_unavailable"
    default_message = "The BLAST service could not be reached"
    described = ("The BLAST service could not be reached",)


ANALYSIS_NOT_FOUND = NotFound.declare("Analysis not found")
SEQUENCE_NOT_FOUND = NotFound.declare("Sequence not found")
NOT_NUVS = Conflict.declare("Not a NuVs analysis")


OFFLINE_HINT = (
    "Try again later. A server without internet access can BLAST with BLAST+ on its own machine instead: an "
    "administrator starts it with --blast-backend local and --blast-database."
)


async def _contig(ctx: Context, analysis: dict[str, Any], sequence_index: str | int) -> str:
    """The sequence of the NuVs contig with that index, read from the stored results one contig at a time."""
    try:
        index = int(sequence_index)
    except (TypeError, ValueError):
        raise SEQUENCE_NOT_FOUND from None
    hit = await find_nuvs_hit(ctx, analysis, index)
    if hit is None or not hit.get("sequence"):
        raise SEQUENCE_NOT_FOUND
    return str(hit["sequence"])


async def _writable_nuvs_analysis(ctx: Context, user: dict[str, Any], analysis_id: str) -> dict[str, Any]:
    """The spec's checks, in its order: 404, 400 parent sample, 403, 409 not NuVs, 409 still running."""
    analysis, rights = await analysis_with_rights(ctx, user, analysis_id, not_found=ANALYSIS_NOT_FOUND)
    if not rights.write:
        raise InsufficientRights()
    if analysis.get("workflow") != Workflow.NUVS:
        raise NOT_NUVS
    if not analysis.get("ready"):
        raise ANALYSIS_RUNNING
    return analysis


async def start_blast(
    ctx: Context, runner: "BlastRunner", user: dict[str, Any], analysis_id: str, sequence_index: str
) -> NuvsBlastRecord:
    """BLAST one contig, replacing any earlier BLAST of it (whose polling then stops)."""
    analysis = await _writable_nuvs_analysis(ctx, user, analysis_id)
    sequence = await _contig(ctx, analysis, sequence_index)
    index = int(sequence_index)
    try:
        rid = await runner.backend.submit(sequence)
    except (BlastUnavailable, BlastFailed) as error:
        logger.warning(
            "BLAST of contig %s of analysis %s not started (%s backend): %s",
            index,
            analysis_id,
            runner.backend.name,
            error,
        )
        hint = f" {OFFLINE_HINT}" if runner.backend.name == "ncbi" else ""
        raise BlastServiceUnavailable(f"{BlastServiceUnavailable.default_message} ({error}).{hint}") from None
    runner.claimed = True
    record, replaced = await replace_blast(
        ctx,
        analysis_id=analysis_id,
        sequence_index=index,
        sequence=sequence,
        backend=runner.backend.name,
        rid=rid,
        claimant=runner.claimant,
        interval=runner.backend.first_interval,
    )
    for old_rid in replaced:
        runner.backend.forget(old_rid or "")
    return record


class BlastRunner:
    """Polls the BLASTs this process holds (or may take over) until each is ready or has an error."""

    def __init__(self, ctx: Context, backend: BlastBackend, tick: float = 1.0) -> None:
        self.ctx = ctx
        self.backend = backend
        self.tick = tick
        self.claimant = random_id(12)
        self.claimed = False
        """Whether this runner may hold a claim (set before each it takes, by polling or by a BLAST started
        through it): one that never did has none to hand back when it stops, and opens no SQL session."""
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def poll_once(self, now: datetime | None = None) -> int:
        """Claim and check every due BLAST; returns how many were checked."""
        now = now or utc_now()
        checked = 0
        for blast_id in await due_blasts(self.ctx, self.claimant, now):
            self.claimed = True
            if await claim_blast(self.ctx, blast_id, self.claimant, now):
                await self._check(blast_id, now)
                checked += 1
        return checked

    async def _check(self, blast_id: int, now: datetime) -> None:
        row = await get_blast_row(self.ctx, blast_id)
        if row is None:
            return
        max_time = self.ctx.config.blast_max_time
        if now >= as_utc(row.created_at) + timedelta(seconds=max_time):
            self.backend.forget(row.rid or "")
            await self._finish(blast_id, now, error=f"The BLAST did not finish within {max_time:.0f} seconds")
            return
        try:
            check = await self.backend.check(row.rid or "", row.sequence)
        except BlastUnavailable as error:
            logger.warning("BLAST %s not checked: %s", row.rid, error)
            await self._check_again(row, now)
            return
        except BlastFailed as error:
            logger.warning("BLAST %s failed: %s", row.rid, error)
            await self._finish(blast_id, now, error=str(error))
            return
        if check.status == BlastStatus.READY:
            await self._finish(blast_id, now, ready=True, result=check.result)
        elif check.status == BlastStatus.WAITING:
            await self._check_again(row, now)
        else:
            logger.warning("BLAST %s ended without a result: %s", row.rid, check.error)
            await self._finish(blast_id, now, error=check.error or "The BLAST failed")

    async def _check_again(self, row: BlastRow, now: datetime) -> None:
        """No answer yet: wait a little longer than last time, keeping the claim."""
        interval = min(round(row.interval * INTERVAL_GROWTH, 1), self.backend.max_interval)
        await save_blast(
            self.ctx,
            row.id,
            self.claimant,
            interval=interval,
            last_checked_at=now,
            updated_at=now,
            next_check_at=now + timedelta(seconds=interval),
            claimed_until=now + CLAIM_LEASE,
        )

    async def _finish(self, blast_id: int, now: datetime, **outcome: Any) -> None:
        """A definite answer (a result or an error): record it and release the claim."""
        await save_blast(
            self.ctx,
            blast_id,
            self.claimant,
            **outcome,
            last_checked_at=now,
            updated_at=now,
            claimed_by=None,
            claimed_until=None,
        )
        await announce_blast(self.ctx, blast_id)

    async def _run_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.poll_once()
            except Exception:
                logger.exception("BLAST polling failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.tick)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run_forever())

    async def stop(self) -> None:
        """Stop polling and hand this process's claims back, so the next process takes them over at once.

        The loop is asked to stop between polls rather than cancelled inside one, so no database connection is
        abandoned mid-query; only a check stuck for longer than `STOP_GRACE` seconds is cancelled.
        """
        if self._task is not None:
            self._stopping.set()
            _, pending = await asyncio.wait({self._task}, timeout=STOP_GRACE)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.claimed:
            await release_claims(self.ctx, self.claimant)
        await self.backend.close()
