"""An analysis's results, kept outside its document: one gzipped JSON file, written and served in pieces.

Results reach tens of MiB (NuVs contigs; Pathoscope's per-position depths take twice their JSON size as BSON),
past MongoDB's 16 MiB documents, and a document that large made every listing on the embedded store read it
and every GET hold several copies of it. So results always live in a file (decision: always, not only when
large: one path for every analysis, and documents stay small), and the document holds only a pointer,
`results_file: {"name", "size"}`, set by the finalize's one conditional update. Documents written before this
keep their results inline (`results`); they are served the same way.

On disk: `analyses/results/{analysis_id}/{token}.json.gz`. The file is the results as JSON text (`zcat | jq`
reads it) laid out so it never has to be parsed whole: when `results.hits` is a list, each hit is one line
(JSON text never holds a raw newline inside a value), so a NuVs contig is found, and its BLAST record
attached, one line at a time. A NuVs hit line starts with its `index`; the `blast` key is the server's, so one
a job sends is dropped.
"""

import asyncio
import gzip
import json
import re
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.jobs.models import Workflow
from virtool_api.utils import random_id

CHUNK_BYTES = 256 * 1024
COMPRESSION_LEVEL = 1
"""Fast: results are mostly sequences and numbers, which level 1 already shrinks 3-4x."""
_HIT_INDEX = re.compile(rb'\{"index": (-?\d+)[,}]')


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def result_lines(results: dict[str, Any], workflow: str) -> Iterator[str]:
    """The JSON text of `results`, each hit of a `hits` list on a line of its own (key order kept).

    NuVs hits are written index first and without `blast` (the server attaches BLAST records to show them).
    """
    hits = results.get("hits")
    if not isinstance(hits, list):
        yield _dumps(results) + "\n"
        return
    line = "{"
    for position, (key, value) in enumerate(results.items()):
        line += (", " if position else "") + _dumps(key) + ": "
        if key != "hits":
            line += _dumps(value)
            continue
        yield line + "[\n"
        last = len(hits) - 1
        for number, hit in enumerate(hits):
            if workflow == Workflow.NUVS and isinstance(hit, dict):
                hit = {"index": hit.get("index"), **{k: v for k, v in hit.items() if k != "blast"}}
            yield _dumps(hit) + (",\n" if number < last else "\n")
        line = "]"
    yield line + "}\n"


def _batched(lines: Iterator[str]) -> Iterator[bytes]:
    """`lines` as UTF-8, joined into pieces of at least `CHUNK_BYTES` (the last may be shorter)."""
    batch: list[bytes] = []
    size = 0
    for line in lines:
        data = line.encode("utf-8")
        batch.append(data)
        size += len(data)
        if size >= CHUNK_BYTES:
            yield b"".join(batch)
            batch, size = [], 0
    if batch:
        yield b"".join(batch)


def _gzipped(pieces: Iterator[bytes], counted: list[int]) -> Iterator[bytes]:
    """`pieces` gzip-compressed; `counted[0]` adds up their size before compression."""
    compressor = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, 31)
    for piece in pieces:
        counted[0] += len(piece)
        if compressed := compressor.compress(piece):
            yield compressed
    yield compressor.flush()


async def _in_thread(pieces: Iterator[bytes]) -> AsyncGenerator[bytes, None]:
    """Each piece made in a worker thread: serializing and compressing tens of MiB never blocks the loop."""
    done = object()
    while (piece := await asyncio.to_thread(next, pieces, done)) is not done:
        yield piece  # type: ignore[misc]


@dataclass(frozen=True)
class StoredResults:
    path: Path
    pointer: dict[str, Any]
    """What the analysis document keeps: `{"name", "size"}` (size: bytes of JSON text)."""


async def write_results(
    ctx: Context, analysis_id: str, workflow: str, results: dict[str, Any]
) -> StoredResults:
    """Write `results` under a name of their own, complete and flushed before it appears under that name.

    The caller points the analysis at it in its conditional update, and removes it if that update loses. 404
    if the analysis is removed meanwhile.
    """
    directory = ctx.files.analysis_results_dir(analysis_id)
    path = directory / f"{random_id(12)}.json.gz"
    size = [0]
    pieces = _in_thread(_gzipped(_batched(result_lines(results, workflow)), size))
    async with ctx.files.receive(pieces, directory) as incoming:
        try:
            incoming.place(path)
        except FileNotFoundError:
            # The directory went while the file was written: only removing the analysis removes it.
            raise NotFound() from None
    return StoredResults(path, {"name": path.name, "size": size[0]})


def has_results(document: dict[str, Any]) -> bool:
    """Whether the analysis has results (`results_text` gives them): in a file, or kept in the document."""
    return bool(document.get("results_file")) or document.get("results") is not None


def results_path(ctx: Context, document: dict[str, Any]) -> Path | None:
    pointer = document.get("results_file")
    if not pointer:
        return None
    return ctx.files.analysis_results_path(document["_id"], pointer["name"])


async def _file_pieces(stream: gzip.GzipFile) -> AsyncGenerator[bytes, None]:
    try:
        while piece := await asyncio.to_thread(stream.read, CHUNK_BYTES):
            yield piece
    finally:
        await asyncio.to_thread(stream.close)


async def _raw_pieces(ctx: Context, document: dict[str, Any]) -> AsyncGenerator[bytes, None] | None:
    """The stored JSON text of the results, from an opened file (or the document); None without any.

    The file is opened here, before any answer starts, so a missing one is an error the caller can answer.
    """
    path = results_path(ctx, document)
    if path is not None:
        return _file_pieces(await asyncio.to_thread(gzip.GzipFile, path, "rb"))
    if document.get("results") is not None:
        # Results kept in the document (written before results had files), laid out as a file would be.
        return _in_thread(_batched(result_lines(document["results"], document.get("workflow", ""))))
    return None


async def _lines_after_the_first(
    pieces: AsyncGenerator[bytes, None],
) -> AsyncGenerator[tuple[bool, bytes], None]:
    """`(is_hit_line, bytes)` for everything in `pieces`; only hit lines are held whole, the rest streams.

    The first line (the keys before `hits`, and `"hits": [`) and everything from the line closing `hits` on
    pass through in pieces as they come.
    """
    async with aclosing(pieces):
        async for item in _split(pieces):
            yield item


async def _split(pieces: AsyncIterator[bytes]) -> AsyncGenerator[tuple[bool, bytes], None]:
    buffer = bytearray()
    state = "head"
    async for piece in pieces:
        if state == "head":
            end = piece.find(b"\n")
            if end < 0:
                yield False, piece
                continue
            yield False, piece[: end + 1]
            piece, state = piece[end + 1 :], "hits"
        if state == "tail":
            yield False, piece
            continue
        searched = len(buffer)
        buffer += piece
        start = 0
        while (end := buffer.find(b"\n", searched)) >= 0:
            line = bytes(buffer[start : end + 1])
            if not line.startswith(b"{"):
                yield False, bytes(buffer[start:])
                buffer.clear()
                state = "tail"
                break
            yield True, line
            start = searched = end + 1
        else:
            del buffer[:start]
    if buffer:
        yield False, bytes(buffer)


def _hit_index(line: bytes) -> int | None:
    if match := _HIT_INDEX.match(line):
        return int(match.group(1))
    index = json.loads(line.rstrip(b",\n")).get("index")
    return index if isinstance(index, int) else None


async def _with_blasts(
    pieces: AsyncGenerator[bytes, None], blasts: dict[int, bytes]
) -> AsyncGenerator[bytes, None]:
    """Each NuVs hit line with `"blast": <its record or null>` added before its closing brace."""
    async with aclosing(_lines_after_the_first(pieces)) as lines:
        async for is_hit, data in lines:
            if not is_hit:
                yield data
                continue
            body = data.rstrip(b"\n")
            comma = body.endswith(b",")
            body = body.rstrip(b",")
            index = _hit_index(body)
            record = blasts.get(index, b"null") if index is not None else b"null"
            yield body[:-1] + b', "blast": ' + record + b"}" + (b",\n" if comma else b"\n")


async def results_text(
    ctx: Context, document: dict[str, Any], blasts: dict[int, bytes] | None = None
) -> AsyncGenerator[bytes, None] | None:
    """The analysis's results as JSON text, piece by piece (None while it has none); never parsed whole.

    NuVs hits get `blast`: their record from `blasts` (JSON by sequence index) or null. Raises
    `FileNotFoundError` if the document points at a file that is not there.
    """
    raw = await _raw_pieces(ctx, document)
    if raw is not None and document.get("workflow") == Workflow.NUVS:
        return _with_blasts(raw, blasts or {})
    return raw


async def read_results(ctx: Context, document: dict[str, Any]) -> Any:
    """The results parsed whole (None while there are none), for a report. Raises `FileNotFoundError` like
    `results_text`."""
    raw = await _raw_pieces(ctx, document)
    if raw is None:
        return None
    text = bytearray()
    async with aclosing(raw) as pieces:
        async for piece in pieces:
            text += piece
    return await asyncio.to_thread(json.loads, bytes(text))


async def find_nuvs_hit(ctx: Context, document: dict[str, Any], index: int) -> dict[str, Any] | None:
    """The NuVs contig whose `index` is `index`, reading one hit line at a time."""
    raw = await _raw_pieces(ctx, document)
    if raw is None:
        return None
    async with aclosing(_lines_after_the_first(raw)) as lines:
        async for is_hit, line in lines:
            if is_hit and _hit_index(line.rstrip(b",\n")) == index:
                hit = json.loads(line.rstrip(b",\n"))
                return hit if isinstance(hit, dict) else None
    return None


async def remove_results(ctx: Context, analysis_id: str) -> None:
    """Every results file of the analysis, a winning finalize's and any a crashed one left."""
    await ctx.files.remove_tree(ctx.files.analysis_results_dir(analysis_id))
