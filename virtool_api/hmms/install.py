"""Installing HMM data for NuVs: the annotations (a JSON list of clusters) and the HMMER3 profiles file.

Both files are checked as streams before anything changes (400 saying what is wrong), then copied to
`hmms/` under temporary names, the clusters stored, and the files renamed into place: a runner never reads a
half-written file. The annotations are stored gzip-compressed, as runners download them.
"""

import asyncio
import gzip
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
from pydantic import ValidationError

from virtool_api.context import Context
from virtool_api.errors import BadRequest
from virtool_api.hmms.models import ANNOTATIONS_FILE, PROFILES_FILE, HMMCluster, HMMStatus
from virtool_api.utils import utc_now

GZIP_MAGIC = b"\x1f\x8b"
BATCH = 500


class InvalidHMMFile(BadRequest):
    """400 naming what is wrong with HMM data being installed."""


def _open_annotations(path: Path) -> Any:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def read_clusters(path: Path) -> Iterator[HMMCluster]:
    """The clusters of an annotations file, one at a time; 400 for anything but a JSON list of clusters."""
    with _open_annotations(path) as stream:
        position = -1
        try:
            for position, raw in enumerate(ijson.items(stream, "item", use_float=True)):
                try:
                    yield HMMCluster.model_validate(raw)
                except ValidationError as error:
                    first = error.errors(include_url=False, include_input=False)[0]
                    where = ".".join(str(part) for part in first["loc"])
                    raise InvalidHMMFile(
                        f"HMM annotations are invalid: {position}.{where}: {first['msg']}"
                    ) from None
        except (OSError, EOFError) as error:
            raise InvalidHMMFile("HMM annotations file is corrupt (bad gzip)") from error
        except ijson.JSONError as error:
            raise InvalidHMMFile("HMM annotations file is not a JSON list") from error
        if position < 0:
            raise InvalidHMMFile("HMM annotations file has no clusters")


def check_annotations(path: Path) -> int:
    """How many clusters the file has; 400 for a malformed file or a duplicate id or cluster number."""
    ids: set[str] = set()
    clusters: set[int] = set()
    count = 0
    for cluster in read_clusters(path):
        if cluster.id in ids or cluster.cluster in clusters:
            raise InvalidHMMFile(
                f"HMM annotations have a duplicate cluster: {cluster.id} ({cluster.cluster})"
            )
        ids.add(cluster.id)
        clusters.add(cluster.cluster)
        count += 1
    return count


def check_profiles(path: Path) -> int:
    """How many profiles a HMMER3 file has; 400 unless it starts `HMMER3/` and each profile ends with `//`."""
    profiles = 0
    open_profile = False
    with path.open("rb") as stream:
        first = stream.readline()
        if not first.startswith(b"HMMER3/"):
            raise InvalidHMMFile("HMM profiles file is not in HMMER3 format")
        open_profile = True
        for line in stream:
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


def _copy_to_temporary(source: Path, directory: Path, compress: bool) -> Path:
    """Stream `source` to a temporary file in `directory` (gzip-compressing it if asked), flushed to disk."""
    descriptor, name = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            if compress:
                with gzip.GzipFile(fileobj=raw, mode="wb") as target, source.open("rb") as stream:
                    shutil.copyfileobj(stream, target, 1024 * 1024)
            else:
                with source.open("rb") as stream:
                    shutil.copyfileobj(stream, raw, 1024 * 1024)
            raw.flush()
            os.fsync(raw.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


async def install_hmms(ctx: Context, annotations: Path, profiles: Path) -> HMMStatus:
    """Replace the installed HMM data with these two files, after checking both."""
    cluster_count = await asyncio.to_thread(check_annotations, annotations)
    profile_count = await asyncio.to_thread(check_profiles, profiles)
    directory = ctx.files.hmms_dir()
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    with annotations.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    new_annotations = await asyncio.to_thread(_copy_to_temporary, annotations, directory, not gzipped)
    new_profiles: Path | None = None
    try:
        new_profiles = await asyncio.to_thread(_copy_to_temporary, profiles, directory, False)
        await ctx.db.hmms.delete_many({})
        clusters = read_clusters(annotations)
        while batch := await asyncio.to_thread(
            lambda: [c for _, c in zip(range(BATCH), clusters, strict=False)]
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
