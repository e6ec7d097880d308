"""An index's files on disk (`indexes/{index_id}/{name}`), recorded in SQL (`index_files`).

`otus.json.gz` is the server's: written when the index is created, from the reference's OTUs at that moment.
The others come from the build-index job. They are kept as every job-built resource keeps its files
(`jobs/built_files.py`): streamed, recorded, then renamed into place, never held in memory.
"""

import json
import zlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from virtool_api.context import Context
from virtool_api.indexes.models import INDEX_FILE_TYPES, INDEX_FINALIZED, OTUS_FILE, IndexFileModel
from virtool_api.indexes.tables import IndexFile
from virtool_api.jobs.built_files import BuiltFiles
from virtool_api.references.otus import otus_of_reference
from virtool_api.storage.files import FileStore
from virtool_api.utils import iso_timestamp

CHUNK = 1024 * 1024

INDEX_FILES = BuiltFiles(
    collection="indexes",
    table=IndexFile,
    owner="index",
    file_types=INDEX_FILE_TYPES,
    finalized=INDEX_FINALIZED,
    directory=FileStore.index_dir,
    model=IndexFileModel,
    url="/indexes/{id}/files/{name}",
)


def _json_value(value: Any) -> Any:
    """What `json.dumps` cannot write itself: the stored OTU's timestamps, in the API's style."""
    if isinstance(value, datetime):
        return iso_timestamp(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def otu_for_index(document: dict[str, Any]) -> bytes:
    """An OTU as runners read it from `otus.json.gz`: whole, as stored (Mongo-style keys, every field the
    import carried; `schema` always present, `[]` without segments), as Virtool serves it."""
    return json.dumps({**document, "schema": document.get("schema") or []}, default=_json_value).encode()


async def write_otus_file(
    ctx: Context, index_id: str, reference_id: str, manifest: dict[str, int], otus: list[dict[str, Any]]
) -> None:
    """Write `otus.json.gz`: gzip of a JSON list of the reference's OTUs, streamed one OTU at a time from the
    document store (never the whole reference in memory). Fills `manifest` (OTU id to version) and `otus`
    (`{id, name, change_count}`) as it goes."""

    async def chunks() -> AsyncIterator[bytes]:
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip stream
        pending = bytearray(b"[")
        first = True
        async for document in otus_of_reference(ctx, reference_id):
            manifest[document["_id"]] = document["version"]
            otus.append({"id": document["_id"], "name": document["name"], "change_count": 0})
            pending += (b"" if first else b",") + otu_for_index(document)
            first = False
            if len(pending) >= CHUNK:
                yield compressor.compress(bytes(pending))
                pending.clear()
        pending += b"]"
        yield compressor.compress(bytes(pending)) + compressor.flush()

    await INDEX_FILES.store(ctx, index_id, OTUS_FILE, chunks())
