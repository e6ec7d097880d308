"""Where BLASTs run: NCBI's BLAST URL API (`ncbi`) or BLAST+ on this machine (`local`).

Both hand back the same compact result, so the record life cycle in service.py does not care which ran.
"""

import asyncio
import io
import json
import logging
import math
import re
import shutil
import time
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import aiohttp
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from virtool_api.utils import random_id

logger = logging.getLogger(__name__)


class BlastStatus(StrEnum):
    WAITING = "WAITING"
    READY = "READY"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"


@dataclass
class BlastCheck:
    status: BlastStatus
    result: dict[str, Any] | None = None
    error: str | None = None


class BlastFailed(Exception):
    """A definite failure: the BLAST will not produce a result (its message is shown to the user)."""


class BlastUnavailable(Exception):
    """A passing failure (network, 5xx after retries): try again at the next check."""


class BlastBackend(Protocol):
    name: str
    first_interval: float
    """Seconds from starting a BLAST to its first check (then each wait grows by half, `service.py`)."""
    max_interval: float
    """The longest wait between two checks."""

    async def submit(self, sequence: str) -> str: ...

    async def check(self, rid: str, sequence: str) -> BlastCheck: ...

    def forget(self, rid: str) -> None: ...

    async def close(self) -> None: ...


def _finite(value: Any) -> Any:
    """A number that is not a number (NaN, ±Infinity, as Python's JSON parser reads `NaN` or `1e999`) is
    unknown: null. PostgreSQL's `json` refuses it and no JSON client could read it back."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def compact_result(output: dict[str, Any]) -> dict[str, Any]:
    """Keep what a person reads from a BLAST report: the program, database and one line per hit.

    Accepts NCBI's JSON2 (`{"BlastOutput2": {"report": ...}}`) and BLAST+'s `-outfmt 15`
    (`{"BlastOutput2": [{"report": ...}]}`). Non-finite numbers become null (logged), so the stored result is
    valid JSON on every store.
    """
    try:
        blast_output = output["BlastOutput2"]
        report = (blast_output[0] if isinstance(blast_output, list) else blast_output)["report"]
        hits = report["results"]["search"].get("hits", [])
        compact_hits = []
        for hit in hits:
            description = hit["description"][0]
            hsp = hit["hsps"][0]
            numbers = {
                "taxid": description.get("taxid"),
                "len": hit.get("len"),
                "identity": hsp.get("identity"),
                "evalue": hsp.get("evalue"),
                "align_len": hsp.get("align_len"),
                "score": hsp.get("score"),
                "bit_score": hsp.get("bit_score"),
                "gaps": hsp.get("gaps", 0),
            }
            finite = {name: _finite(value) for name, value in numbers.items()}
            if unknown := sorted(
                name for name in numbers if finite[name] is None and numbers[name] is not None
            ):
                logger.warning(
                    "BLAST hit %s: %s not finite numbers, stored as null",
                    description.get("accession"),
                    unknown,
                )
            compact_hits.append(
                {
                    "accession": description.get("accession"),
                    "title": description.get("title"),
                    "name": description.get("sciname"),
                    **finite,
                }
            )
        return {
            "program": report.get("program"),
            "database": report.get("search_target", {}).get("db"),
            "version": report.get("version"),
            "hits": compact_hits,
        }
    except (KeyError, IndexError, TypeError) as error:
        raise BlastFailed("The BLAST result could not be read") from error


_QBLAST_INFO = re.compile(r"QBlastInfoBegin(.*?)QBlastInfoEnd", re.DOTALL)


def parse_qblast_info(text: str) -> dict[str, str]:
    """The `key = value` lines of every `QBlastInfoBegin ... QBlastInfoEnd` block of an NCBI answer."""
    info: dict[str, str] = {}
    for block in _QBLAST_INFO.findall(text):
        for line in block.splitlines():
            key, separator, value = line.partition("=")
            if separator:
                info[key.strip()] = value.strip()
    return info


class _Retryable(Exception):
    pass


class NcbiBlast:
    """NCBI's BLAST URL API, with timeouts, retries on 5xx and connection errors, and request pacing."""

    name = "ncbi"
    first_interval = 3.0
    max_interval = 60.0
    """NCBI asks callers to check a search no more than once a minute once it has run a while."""

    def __init__(
        self,
        url: str,
        database: str,
        min_request_interval: float = 10.0,
        timeout: float = 60.0,
        attempts: int = 4,
    ) -> None:
        self.url = url
        self.database = database
        self.min_request_interval = min_request_interval
        self.attempts = attempts
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._pace_lock = asyncio.Lock()
        self._last_request = 0.0

    async def _pace(self) -> None:
        async with self._pace_lock:
            wait = self._last_request + self.min_request_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_request = time.monotonic()

    async def _request(self, method: str, attempts: int | None = None, **kwargs: Any) -> bytes:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(_Retryable),
                stop=stop_after_attempt(attempts or self.attempts),
                # The pacing below already spaces attempts by `min_request_interval`; this adds back-off.
                wait=wait_exponential(multiplier=1 if self.min_request_interval else 0.01, max=30),
                reraise=True,
            ):
                with attempt:
                    await self._pace()
                    try:
                        async with self._session.request(method, self.url, **kwargs) as response:
                            body = await response.read()
                    except (aiohttp.ClientError, TimeoutError) as error:
                        raise _Retryable(f"NCBI could not be reached ({type(error).__name__})") from error
                    if response.status >= 500:
                        raise _Retryable(f"NCBI answered {response.status}")
                    if response.status >= 400:
                        raise BlastFailed(f"NCBI refused the request ({response.status})")
                    return body
        except _Retryable as error:
            raise BlastUnavailable(str(error)) from error
        raise AssertionError("unreachable")

    async def submit(self, sequence: str) -> str:
        """Start a search; a person waits on this, so it gives up after two attempts (the PUT answers 502)."""
        body = await self._request(
            "POST",
            attempts=2,
            data={
                "CMD": "Put",
                "PROGRAM": "blastn",
                "MEGABLAST": "on",
                "DATABASE": self.database,
                "QUERY": sequence,
                "FORMAT_TYPE": "JSON2",
            },
        )
        rid = parse_qblast_info(body.decode(errors="replace")).get("RID")
        if not rid:
            raise BlastFailed("NCBI did not return a request id")
        return rid

    async def check(self, rid: str, sequence: str) -> BlastCheck:
        body = await self._request("GET", params={"CMD": "Get", "FORMAT_OBJECT": "SearchInfo", "RID": rid})
        info = parse_qblast_info(body.decode(errors="replace"))
        status = info.get("Status", "UNKNOWN").upper()
        if status == "WAITING":
            return BlastCheck(BlastStatus.WAITING)
        if status == "FAILED":
            return BlastCheck(BlastStatus.FAILED, error="NCBI reports that the BLAST failed")
        if status != "READY":
            return BlastCheck(
                BlastStatus.UNKNOWN, error="NCBI does not know this BLAST (it may have expired)"
            )
        archive = await self._request(
            "GET",
            params={"CMD": "Get", "RID": rid, "FORMAT_TYPE": "JSON2", "FORMAT_OBJECT": "Alignment"},
        )
        return BlastCheck(BlastStatus.READY, result=compact_result(self._read_json2_zip(archive)))

    @staticmethod
    def _read_json2_zip(archive: bytes) -> dict[str, Any]:
        try:
            with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
                for name in sorted(bundle.namelist()):
                    if name.endswith(".json"):
                        document = json.loads(bundle.read(name))
                        if "BlastOutput2" in document:
                            return document
        except (zipfile.BadZipFile, ValueError, RecursionError) as error:
            raise BlastFailed("NCBI returned a malformed result") from error
        raise BlastFailed("NCBI returned a malformed result")

    def forget(self, rid: str) -> None:
        """Nothing to stop: NCBI runs the search; we simply stop asking."""

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class LocalBlast:
    """BLAST+ `blastn` against a local database, as a subprocess that never blocks the event loop.

    The request id is ours. Runs live in this process: after a restart, the process that takes over the record
    finds no run for its id and starts the search again from the stored sequence.
    """

    name = "local"
    first_interval = 0.5
    """A contig's search takes well under a second here: checked at once, not after NCBI's 3 s."""
    max_interval = 2.0
    """Checking a run in this process costs nothing: a search slowed by a busy machine is shown within 2 s of
    its end, not up to half its own time later as NCBI's growing waits would."""

    def __init__(self, database: str, blastn: str = "blastn") -> None:
        self.database = database
        self.blastn = blastn
        self._runs: dict[str, asyncio.Task[dict[str, Any]]] = {}

    async def submit(self, sequence: str) -> str:
        rid = f"LOCAL-{random_id(10).upper()}"
        self._start(rid, sequence)
        return rid

    def _start(self, rid: str, sequence: str) -> None:
        self._runs[rid] = asyncio.create_task(self._run(sequence))

    async def _run(self, sequence: str) -> dict[str, Any]:
        try:
            process = await asyncio.create_subprocess_exec(
                self.blastn,
                "-db",
                self.database,
                "-outfmt",
                "15",
                "-max_target_seqs",
                "20",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except FileNotFoundError as error:
            raise BlastFailed(f"{self.blastn} is not installed") from error
        try:
            stdout, stderr = await process.communicate(f">contig\n{sequence}\n".encode())
        except asyncio.CancelledError:
            process.kill()
            raise
        if process.returncode != 0:
            message = stderr.decode(errors="replace").strip().splitlines()
            raise BlastFailed(f"blastn failed: {message[-1] if message else process.returncode}")
        try:
            return compact_result(json.loads(stdout))
        except (ValueError, RecursionError) as error:
            raise BlastFailed("blastn returned a malformed result") from error

    async def check(self, rid: str, sequence: str) -> BlastCheck:
        run = self._runs.get(rid)
        if run is None:
            self._start(rid, sequence)
            return BlastCheck(BlastStatus.WAITING)
        if not run.done():
            return BlastCheck(BlastStatus.WAITING)
        del self._runs[rid]
        if (error := run.exception()) is not None:
            return BlastCheck(BlastStatus.FAILED, error=str(error) or "blastn failed")
        return BlastCheck(BlastStatus.READY, result=run.result())

    def forget(self, rid: str) -> None:
        if run := self._runs.pop(rid, None):
            run.cancel()

    async def close(self) -> None:
        for rid in list(self._runs):
            self.forget(rid)


def local_backend_problem(config: Any) -> str | None:
    """Why `serve` cannot BLAST with the `local` backend, in one line, or None (also for `ncbi`)."""
    if config.blast_backend != "local":
        return None
    if not config.blast_database:
        return "the local BLAST backend needs --blast-database (a makeblastdb database path)"
    if shutil.which("blastn") is None:
        return (
            "the local BLAST backend needs BLAST+'s blastn on the PATH: install it (Debian and Ubuntu: "
            "apt-get install ncbi-blast+) or BLAST at NCBI with --blast-backend ncbi"
        )
    return None


def create_backend(config: Any) -> BlastBackend:
    if config.blast_backend == "local":
        if not config.blast_database:
            raise ValueError("the local BLAST backend needs --blast-database (a makeblastdb database path)")
        return LocalBlast(config.blast_database)
    if config.blast_backend == "ncbi":
        return NcbiBlast(
            config.blast_ncbi_url, config.blast_database or "nr", config.blast_min_request_interval
        )
    raise ValueError(f"unknown BLAST backend {config.blast_backend!r}")
