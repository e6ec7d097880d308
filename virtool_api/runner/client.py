"""The job API as the runner calls it: JSON calls, file downloads and uploads, each streamed.

Connection failures are retried with backoff for up to `RETRY_FOR` seconds (a server restarting), and so
are gateway answers (502, 503, 504); any other answer that is not a success raises `ApiError` with the status
and the server's `{"id", "message"}`. A job that has finished (cancelled, timed out) answers 409 "Job is
finished": that is `JobFinished`, which stops the job's work.
"""

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

RETRY_FOR = 120.0
"""Seconds a call keeps trying while the server cannot be reached."""
CHUNK = 1024 * 1024
GATEWAY = {502, 503, 504}


class ApiError(Exception):
    """The job API refused a call; `status` and `message` are its answer."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.message = body.get("message", "") if isinstance(body, dict) else str(body)[:200]
        super().__init__(f"{method} {path}: {status} {self.message}")


class JobFinished(ApiError):
    """409 "Job is finished": the job was cancelled or timed out; its key can change nothing more."""


class _Unavailable(Exception):
    """The server answered with a gateway error or could not be reached: worth trying again."""


async def _body(response: aiohttp.ClientResponse) -> Any:
    text = await response.text()
    try:
        return json.loads(text)
    except ValueError:
        return text


class JobApi:
    """Calls to one job API (`base_url` ends in `/api`), with a job's credentials once it has acquired one."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, retry_for: float = RETRY_FOR) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.retry_for = retry_for
        self.headers: dict[str, str] = {}

    def with_job(self, job_id: str, key: str) -> "JobApi":
        api = JobApi(self.session, self.base_url, self.retry_for)
        api.headers = {"Authorization": aiohttp.encode_basic_auth(f"job-{job_id}", key)}
        return api

    async def _call(self, method: str, path: str, send: Callable[[], Awaitable[T]]) -> T:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(_Unavailable),
            stop=stop_after_delay(self.retry_for),
            wait=wait_exponential(multiplier=0.5, max=10),
            reraise=True,
        ):
            with attempt:
                try:
                    return await send()
                except aiohttp.ClientConnectionError as error:
                    raise _Unavailable(f"{method} {path}: {error or type(error).__name__}") from error
        raise AssertionError("unreachable")

    async def _raise_for(self, method: str, path: str, response: aiohttp.ClientResponse) -> None:
        if response.status < 400:
            return
        body = await _body(response)
        if response.status in GATEWAY:
            raise _Unavailable(f"{method} {path}: {response.status}")
        if response.status == 409 and isinstance(body, dict) and body.get("message") == "Job is finished":
            raise JobFinished(method, path, response.status, body)
        raise ApiError(method, path, response.status, body)

    async def json(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        """The JSON answer of a call (None for 204)."""

        async def send() -> Any:
            async with self.session.request(
                method, self.base_url + path, json=body, params=params, headers=self.headers
            ) as response:
                await self._raise_for(method, path, response)
                return None if response.status == 204 else await response.json()

        return await self._call(method, path, send)

    async def model(self, model: type[M], method: str, path: str, body: Any = None) -> M:
        return model.model_validate(await self.json(method, path, body))

    async def download(self, path: str, target: Path) -> int:
        """Stream a file to `target` (bytes as stored, `.gz` too); its size."""

        async def send() -> int:
            async with self.session.get(self.base_url + path, headers=self.headers) as response:
                await self._raise_for("GET", path, response)
                size = 0
                with target.open("wb") as handle:
                    async for chunk in response.content.iter_chunked(CHUNK):
                        handle.write(chunk)
                        size += len(chunk)
                return size

        return await self._call("GET", path, send)

    async def upload(self, method: str, path: str, source: Path, name: str, params: Any = None) -> Any:
        """Send `source` as the multipart field `file`, streamed from disk; the JSON answer."""

        async def send() -> Any:
            with source.open("rb") as handle:
                form = aiohttp.FormData()
                form.add_field("file", handle, filename=name, content_type="application/octet-stream")
                async with self.session.request(
                    method, self.base_url + path, data=form, params=params, headers=self.headers
                ) as response:
                    await self._raise_for(method, path, response)
                    return await response.json()

        return await self._call(method, path, send)
