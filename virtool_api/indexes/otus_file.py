"""The OTUs an index holds, as its `otus.json.gz` records them at the index's version: read one OTU at a time
(ijson), keeping only the OTUs asked for and none of their bases, so naming an analysis's hits never holds a
reference in memory."""

import asyncio
import gzip
from pathlib import Path
from typing import Any

import ijson

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.indexes.files import INDEX_FILES
from virtool_api.indexes.models import OTUS_FILE
from virtool_api.references.otus import outline_otu


def _read(path: Path, wanted: set[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    with gzip.open(path, "rb") as stream:
        for otu in ijson.items(stream, "item", use_float=True):
            if isinstance(otu, dict) and otu.get("_id") in wanted:
                found[otu["_id"]] = outline_otu(otu)
                if len(found) == len(wanted):
                    break
    return found


async def index_otus(ctx: Context, index_id: str, otu_ids: set[str]) -> dict[str, dict[str, Any]] | None:
    """The outlines (`references.otus.outline_otu`) of the index's OTUs among `otu_ids`; None when the index
    has no `otus.json.gz` (indexes made before builds had files)."""
    if not otu_ids:
        return {}
    try:
        path = await INDEX_FILES.path(ctx, index_id, OTUS_FILE)
    except NotFound:
        return None
    return await asyncio.to_thread(_read, path, otu_ids)
