"""The data directory: where reads, artifacts, analysis files and uploads live, and how bytes get there.

Layout under the data path:

    samples/{sample_id}/reads_1.fq.gz          reads of a sample
    samples/{sample_id}/artifacts/{name}        artifacts of a sample
    analyses/{file_id}-{name}                   analysis files (`name_on_disk`)
    analyses/results/{analysis_id}/{name}       an analysis's results (`analyses/stored_results.py`)
    uploads/{upload_id}-{name}                  user uploads waiting for a sample
    indexes/{index_id}/{name}                   reference index files (otus.json.gz, reference.*.bt2, ...)
    subtractions/{subtraction_id}/{name}        subtraction files (subtraction.fa.gz, subtraction.*.bt2)
    hmms/annotations.json.gz, hmms/profiles.hmm HMM data for NuVs

Incoming files are streamed chunk by chunk to `.incoming-*` in the destination directory and renamed into
place only once complete and recorded, so no reader ever sees a partial file under its final name.
"""

import asyncio
import errno
import os
import re
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from aiohttp.http_exceptions import HttpProcessingError

from virtool_api.errors import BadRequest, InsufficientStorage, NotFound

INCOMING_PREFIX = ".incoming-"
STALE_INCOMING_AGE = 3600.0
GZIP_MAGIC = b"\x1f\x8b"
_ID_PATTERN = re.compile(r"^[a-z0-9]{1,64}$")
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")

INVALID_FILE_NAME = BadRequest.declare("Invalid file name")
NOT_MULTIPART = BadRequest.declare("Expected a multipart/form-data request")
NO_FILE_PART = BadRequest.declare("Expected a file part in the multipart request")
MALFORMED_MULTIPART = BadRequest.declare("Malformed multipart body")
FILE_MISSING = NotFound.declare("Uploaded file not found at expected location")
"""A file's record exists but the file is not on disk (removed by hand, or a lost volume)."""


def check_file_name(name: str) -> str:
    """Accept a client's file name only if it names one plain file in one directory.

    No separators, NUL or control characters, no leading dot (hidden files, `.`/`..` and our own
    `.incoming-` temporaries), at most 255 bytes.
    """
    if not _plain_file_name(name):
        raise INVALID_FILE_NAME
    return name


def _plain_file_name(name: str) -> bool:
    return not (
        not name
        or name.startswith(".")
        or _UNSAFE_CHARACTERS.search(name)
        or len(name.encode("utf-8", "surrogatepass")) > 200
        or name != name.strip()
    )


def _stored_name(name: str) -> str:
    # Names on disk were checked when they came in (`check_file_name`), but a path is only built from a plain
    # name: one that is not is a corrupt record, not the client's mistake.
    if not _plain_file_name(name):
        raise ValueError(f"not a plain file name: {name!r}")
    return name


def _check_id(value: str) -> str:
    # Ids come from the document store, never from a request, but a path is only built from a plain id.
    if not _ID_PATTERN.match(value):
        raise ValueError(f"not a storage id: {value!r}")
    return value


class NotGzip(BadRequest):
    default_message = "File is not compressed"


class StreamCheck(Protocol):
    """What a file must hold, checked as it streams in (e.g. `uploads/content.py`)."""

    def feed(self, chunk: bytes) -> None:
        """The next bytes as received; raises (a `BadRequest`) at the first problem."""

    def finish(self) -> None:
        """The file is complete; raises if what came is not a whole, valid file."""


@dataclass
class IncomingFile:
    """A fully received file still under its temporary name."""

    path: Path
    size: int = 0
    placed: bool = field(default=False)

    def place(self, destination: Path) -> None:
        """Rename into place: atomic within the directory, so the final name only ever holds whole files."""
        os.replace(self.path, destination)
        self.placed = True


class FileStore:
    def __init__(self, root: Path, fsync: bool = True, chunk_size: int = 1024 * 1024):
        self.root = root
        self.fsync = fsync
        self.chunk_size = chunk_size

    def ensure_layout(self) -> None:
        for name in ("samples", "analyses", "uploads", "indexes", "subtractions", "hmms"):
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def sample_dir(self, sample_id: str) -> Path:
        return self.root / "samples" / _check_id(sample_id)

    def reads_path(self, sample_id: str, name: str) -> Path:
        return self.sample_dir(sample_id) / _stored_name(name)

    def artifacts_dir(self, sample_id: str) -> Path:
        return self.sample_dir(sample_id) / "artifacts"

    def artifact_path(self, sample_id: str, name: str) -> Path:
        return self.artifacts_dir(sample_id) / _stored_name(name)

    def analyses_dir(self) -> Path:
        return self.root / "analyses"

    def analysis_file_path(self, name_on_disk: str) -> Path:
        return self.analyses_dir() / _stored_name(name_on_disk)

    def analysis_results_dir(self, analysis_id: str) -> Path:
        return self.analyses_dir() / "results" / _check_id(analysis_id)

    def analysis_results_path(self, analysis_id: str, name: str) -> Path:
        return self.analysis_results_dir(analysis_id) / _stored_name(name)

    def uploads_dir(self) -> Path:
        return self.root / "uploads"

    def upload_path(self, name_on_disk: str) -> Path:
        return self.uploads_dir() / _stored_name(name_on_disk)

    def index_dir(self, index_id: str) -> Path:
        return self.root / "indexes" / _check_id(index_id)

    def index_file_path(self, index_id: str, name: str) -> Path:
        return self.index_dir(index_id) / _stored_name(name)

    def subtraction_dir(self, subtraction_id: str) -> Path:
        return self.root / "subtractions" / _check_id(subtraction_id)

    def subtraction_file_path(self, subtraction_id: str, name: str) -> Path:
        return self.subtraction_dir(subtraction_id) / _stored_name(name)

    def hmms_dir(self) -> Path:
        return self.root / "hmms"

    @asynccontextmanager
    async def receive(
        self,
        chunks: AsyncIterator[bytes],
        directory: Path,
        require_gzip: bool = False,
        check: StreamCheck | None = None,
    ) -> AsyncIterator[IncomingFile]:
        """Stream `chunks` to a temporary file in `directory`; yield it whole.

        The caller records it and calls `place()`. If anything fails or the client goes away, before or
        after the yield, the temporary file is removed: nothing partial is ever left behind. `check` is fed
        each chunk (on a worker thread) and told the end; what it raises refuses the file.
        """
        await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
        try:
            descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=INCOMING_PREFIX)
        except FileNotFoundError:
            # Made a moment ago: only removing its owner (a sample, an analysis...) takes it away meanwhile.
            raise NotFound() from None
        incoming = IncomingFile(Path(temporary))
        try:
            try:
                head = b""
                async for chunk in chunks:
                    if require_gzip and len(head) < 2:
                        head += chunk[: 2 - len(head)]
                        if len(head) == 2 and head != GZIP_MAGIC:
                            raise NotGzip()
                    if check is not None:
                        await asyncio.to_thread(check.feed, chunk)
                    view = memoryview(chunk)
                    while view:
                        written = os.write(descriptor, view)
                        view = view[written:]
                    incoming.size += len(chunk)
                if check is not None:
                    await asyncio.to_thread(check.finish)
                if require_gzip and head != GZIP_MAGIC:
                    raise NotGzip()
                if self.fsync:
                    await asyncio.to_thread(os.fsync, descriptor)
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise InsufficientStorage() from error
                raise
            finally:
                os.close(descriptor)
            yield incoming
        finally:
            if not incoming.placed:
                incoming.path.unlink(missing_ok=True)

    async def remove(self, path: Path) -> None:
        await asyncio.to_thread(path.unlink, missing_ok=True)

    async def remove_tree(self, path: Path) -> None:
        await asyncio.to_thread(shutil.rmtree, path, ignore_errors=True)

    def sweep_stale_incoming(self, max_age: float = STALE_INCOMING_AGE) -> int:
        """Remove temporaries that a crashed process left behind.

        Only files untouched for `max_age` seconds go: another process may be receiving into a younger one.
        """
        removed = 0
        cutoff = time.time() - max_age
        for path in self.root.rglob(f"{INCOMING_PREFIX}*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


async def multipart_file_chunks(request, chunk_size: int = 1024 * 1024) -> AsyncIterator[bytes]:  # type: ignore[no-untyped-def]
    """The bytes of the first file part of a `multipart/form-data` request, streamed.

    A body that is not valid multipart (bad boundary, malformed part headers) is a 400, never a crash.
    """
    if not request.content_type.startswith("multipart/"):
        raise NOT_MULTIPART
    try:
        reader = await request.multipart()
        part = await reader.next()
        while part is not None and getattr(part, "filename", None) is None and part.name != "file":
            part = await reader.next()
        if part is None:
            raise NO_FILE_PART
        while chunk := await part.read_chunk(chunk_size):
            yield chunk
    except (HttpProcessingError, ValueError) as error:
        raise MALFORMED_MULTIPART from error
