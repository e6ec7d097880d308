"""Installing HMM data for NuVs: the annotations (a JSON list of clusters) and the HMMER3 profiles file.

Both files are checked as streams before anything changes (400 saying what is wrong; the annotations within
the limits of `storage/streamed_json.py`, the profiles' lines within `MAX_PROFILE_LINE`), then copied to
`hmms/` under temporary names, the clusters stored, and the files renamed into place: a runner never reads a
half-written file. The annotations are stored gzip-compressed, as runners download them. Every step on a
thread stops at its next read once `stop` is set (the request's client went away, the server is stopping).
"""

import asyncio
import gzip
import os
import tempfile
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
from pydantic import ValidationError

from virtool_api.context import Context
from virtool_api.errors import BadRequest
from virtool_api.hmms.models import ANNOTATIONS_FILE, PROFILES_FILE, HMMCluster, HMMStatus
from virtool_api.storage.streamed_json import (
    READ_SIZE,
    BoundedJSONStream,
    ImportStopped,
    LimitExceeded,
    in_stoppable_thread,
)
from virtool_api.utils import utc_now

GZIP_MAGIC = b"\x1f\x8b"
BATCH = 500
CLUSTER_DEPTH = 2
"""Where a cluster opens: `[` (1) `{` (2)."""
MAX_PROFILE_LINE = 64 * 1024
"""The longest line of a HMMER3 profiles file (its lines are a few hundred bytes)."""
COPY_CHUNK = 1024 * 1024


class InvalidHMMFile(BadRequest):
    """400 naming what is wrong with HMM data being installed."""

    described = (
        "HMM annotations file is not a JSON list",
        "HMM annotations file is nested deeper than 10 levels",
        "HMM annotations file is corrupt (bad gzip)",
        "HMM annotations file has no clusters",
        "HMM annotations are invalid: …",
        "HMM annotations have a duplicate cluster: …",
        "HMM profiles file is not in HMMER3 format",
        "HMM profiles file is truncated (a profile does not end with //)",
        "HMM profiles file has a line longer than 64 KiB",
    )


def _open_annotations(path: Path) -> Any:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def read_clusters(path: Path, stop: threading.Event | None = None) -> Iterator[HMMCluster]:
    """The clusters of an annotations file, one at a time; 400 for anything but a JSON list of clusters."""
    with _open_annotations(path) as stream:
        position = -1
        bounded = BoundedJSONStream(stream, CLUSTER_DEPTH, stop)
        try:
            for position, raw in enumerate(ijson.items(bounded, "item", use_float=True, buf_size=READ_SIZE)):
                try:
                    yield HMMCluster.model_validate(raw)
                except ValidationError as error:
                    first = error.errors(include_url=False, include_input=False)[0]
                    where = ".".join(str(part) for part in first["loc"])
                    raise InvalidHMMFile(
                        f"HMM annotations are invalid: {position}.{where}: {first['msg']}"
                    ) from None
        except (OSError, EOFError, zlib.error) as error:
            raise InvalidHMMFile("HMM annotations file is corrupt (bad gzip)") from error
        except ijson.JSONError as error:
            raise InvalidHMMFile("HMM annotations file is not a JSON list") from error
        except LimitExceeded as error:
            raise InvalidHMMFile(f"HMM annotations file {error}") from None
        if position < 0:
            raise InvalidHMMFile("HMM annotations file has no clusters")


def check_annotations(path: Path, stop: threading.Event | None = None) -> int:
    """How many clusters the file has; 400 for a malformed file or a duplicate id or cluster number."""
    ids: set[str] = set()
    clusters: set[int] = set()
    count = 0
    for cluster in read_clusters(path, stop):
        if cluster.id in ids or cluster.cluster in clusters:
            raise InvalidHMMFile(
                f"HMM annotations have a duplicate cluster: {cluster.id} ({cluster.cluster})"
            )
        ids.add(cluster.id)
        clusters.add(cluster.cluster)
        count += 1
    return count


def _profile_lines(stream: Any, stop: threading.Event | None) -> Iterator[bytes]:
    """The file's lines, each read with a bound (a file without newlines is refused, never held whole)."""
    while line := stream.readline(MAX_PROFILE_LINE + 1):
        if len(line) > MAX_PROFILE_LINE:
            raise InvalidHMMFile(f"HMM profiles file has a line longer than {MAX_PROFILE_LINE // 1024} KiB")
        if stop is not None and stop.is_set():
            raise ImportStopped()
        yield line


def check_profiles(path: Path, stop: threading.Event | None = None) -> int:
    """How many profiles a HMMER3 file has; 400 unless it starts `HMMER3/` and each profile ends with `//`."""
    profiles = 0
    open_profile = False
    with path.open("rb") as stream:
        lines = _profile_lines(stream, stop)
        first = next(lines, b"")
        if not first.startswith(b"HMMER3/"):
            raise InvalidHMMFile("HMM profiles file is not in HMMER3 format")
        open_profile = True
        for line in lines:
            if line.startswith(b"HMMER3/"):
                if open_profile:
                    raise InvalidHMMFile("HMM profiles file is truncated (a profile does not end with //)")
                open_profile = True
            elif line.startswith(b"//"):
                if not open_profile:
                    raise InvalidHMMFile("HMM profiles file is not in HMMER3 format")
                open_profile = False
                profiles += 1
    if open_profile:
        raise InvalidHMMFile("HMM profiles file is truncated (a profile does not end with //)")
    return profiles


def _copy(source: Path, target: Any, stop: threading.Event) -> None:
    with source.open("rb") as stream:
        while chunk := stream.read(COPY_CHUNK):
            if stop.is_set():
                raise ImportStopped()
            target.write(chunk)


def _copy_to_temporary(source: Path, directory: Path, compress: bool, stop: threading.Event) -> Path:
    """Stream `source` to a temporary file in `directory` (gzip-compressing it if asked), flushed to disk."""
    descriptor, name = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            if compress:
                with gzip.GzipFile(fileobj=raw, mode="wb") as target:
                    _copy(source, target, stop)
            else:
                _copy(source, raw, stop)
            raw.flush()
            os.fsync(raw.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


async def install_hmms(ctx: Context, annotations: Path, profiles: Path) -> HMMStatus:
    """Replace the installed HMM data with these two files, after checking both."""
    stop = threading.Event()
    cluster_count = await in_stoppable_thread(stop, lambda: check_annotations(annotations, stop))
    profile_count = await in_stoppable_thread(stop, lambda: check_profiles(profiles, stop))
    directory = ctx.files.hmms_dir()
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    with annotations.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    new_annotations = await in_stoppable_thread(
        stop, lambda: _copy_to_temporary(annotations, directory, not gzipped, stop)
    )
    new_profiles: Path | None = None
    try:
        new_profiles = await in_stoppable_thread(
            stop, lambda: _copy_to_temporary(profiles, directory, False, stop)
        )
        await ctx.db.hmms.delete_many({})
        clusters = read_clusters(annotations, stop)
        while batch := await in_stoppable_thread(
            stop, lambda: [c for _, c in zip(range(BATCH), clusters, strict=False)]
        ):
            await ctx.db.hmms.insert_many([_document(cluster) for cluster in batch])
        os.replace(new_annotations, directory / ANNOTATIONS_FILE)
        os.replace(new_profiles, directory / PROFILES_FILE)
    finally:
        new_annotations.unlink(missing_ok=True)
        if new_profiles is not None:
            new_profiles.unlink(missing_ok=True)
    status = {"installed": True, "cluster_count": cluster_count, "profile_count": profile_count}
    # Replaced whole (delete, insert): plain operations every document store offers, unlike upserts.
    await ctx.db.hmm_status.delete_one({"_id": "hmms"})
    await ctx.db.hmm_status.insert_one({"_id": "hmms", **status, "installed_at": utc_now()})
    return HMMStatus.model_validate(status)


def _document(cluster: HMMCluster) -> dict[str, Any]:
    data = cluster.model_dump(by_alias=True)
    # One lower-case string to search names in with a plain `$regex` (no matching inside arrays needed).
    return {**data, "search_names": "\n".join(name.lower() for name in cluster.names)}
