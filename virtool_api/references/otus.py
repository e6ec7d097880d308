"""OTUs: what a reference is made of. Each is stored whole (its isolates and their sequences in one document,
as in Virtool's export), with the `version` the index manifest records (0 on import)."""

import re
from collections.abc import AsyncIterator
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.listing import listing_counts
from virtool_api.pagination import page_count, skip
from virtool_api.references.export import ExportOTU
from virtool_api.references.models import OTU, OTUMinimal, OTUSearchResult
from virtool_api.utils import random_id, utc_now

OTU_ORDER = [("lower_name", 1), ("_id", 1)]
"""A reference's OTUs in its listing: by name, case-insensitively, `_id` breaking ties."""

VISIBLE: dict[str, Any] = {"importing": {"$exists": False}}
"""References that are whole: one being imported is stored with `importing` until its last OTU is."""


async def reference_is_visible(ctx: Context, reference_id: str) -> bool:
    return await ctx.db.references.count_documents({"_id": reference_id, **VISIBLE}, limit=1) > 0


async def visible_reference(ctx: Context, reference_id: str) -> dict[str, Any] | None:
    """The reference, unless it does not exist or is still being imported."""
    return await ctx.db.references.find_one({"_id": reference_id, **VISIBLE})


async def has_otus(ctx: Context, reference_id: str) -> bool:
    return await ctx.db.otus.count_documents({"reference.id": reference_id}, limit=1) > 0


def otus_of_reference(ctx: Context, reference_id: str) -> AsyncIterator[dict[str, Any]]:
    """The reference's OTUs, whole, in `_id` order, one at a time (never the whole reference in memory)."""
    return aiter(ctx.db.otus.find({"reference.id": reference_id}).sort("_id", 1))


def otu_document(reference_id: str, otu: ExportOTU) -> dict[str, Any]:
    """A stored OTU made from one of an export's, whole: every field the export carried is kept (build-index
    runners read OTUs as stored, `indexes/files.py`), under the fields the server sets. OTU and sequence ids
    are new (an export can be imported more than once, as different references); isolate ids, local to their
    OTU, are kept."""
    return {
        **(otu.model_extra or {}),
        "_id": random_id(),
        "reference": {"id": reference_id},
        "name": otu.name,
        "lower_name": otu.name.lower(),
        "abbreviation": otu.abbreviation,
        "version": 0,
        "schema": [segment.model_dump() for segment in otu.schema_],
        "created_at": utc_now(),
        "isolate_count": len(otu.isolates),
        "isolates": [
            {
                **(isolate.model_extra or {}),
                "id": isolate.id,
                "default": isolate.default,
                "source_type": isolate.source_type,
                "source_name": isolate.source_name,
                "sequences": [
                    {
                        **(sequence.model_extra or {}),
                        "_id": random_id(),
                        "accession": sequence.accession,
                        "definition": sequence.definition,
                        "host": sequence.host or "",
                        "segment": sequence.segment,
                        "sequence": sequence.sequence,
                    }
                    for sequence in isolate.sequences
                ],
            }
            for isolate in otu.isolates
        ],
    }


def render_otu(document: dict[str, Any]) -> OTU:
    return OTU.model_validate(
        {
            **document,
            "id": document["_id"],
            "otu_schema": document.get("schema") or [],
            "isolates": [
                {
                    **isolate,
                    "sequences": [{**sequence, "id": sequence["_id"]} for sequence in isolate["sequences"]],
                }
                for isolate in document["isolates"]
            ],
        }
    )


async def get_otu(ctx: Context, otu_id: str) -> OTU:
    """The OTU, or 404 when there is none or its reference is not whole (being imported, or an import a
    crash cut short, which the next start removes)."""
    document = await ctx.db.otus.find_one({"_id": otu_id})
    if document is None or not await reference_is_visible(ctx, document["reference"]["id"]):
        raise NotFound()
    return render_otu(document)


async def find_otus(
    ctx: Context, reference_id: str, find: str | None, page: int, per_page: int
) -> OTUSearchResult:
    """A reference's OTUs by name; `find` matches name or abbreviation, case-insensitively, as plain text."""
    if not await reference_is_visible(ctx, reference_id):
        raise NotFound()
    everything = {"reference.id": reference_id}
    found: dict[str, Any] = everything
    if find:
        pattern = {"$regex": re.escape(find), "$options": "i"}
        found = {**everything, "$or": [{"name": pattern}, {"abbreviation": pattern}]}
    documents = (
        await ctx.db.otus.find(found, {"isolates": 0})
        .sort(OTU_ORDER)
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    found_count, total_count = await listing_counts(ctx.db.otus, found, everything)
    return OTUSearchResult(
        documents=[OTUMinimal.model_validate({**document, "id": document["_id"]}) for document in documents],
        found_count=found_count,
        total_count=total_count,
        page=page,
        page_count=page_count(found_count, per_page),
        per_page=per_page,
    )


def outline_otu(document: dict[str, Any]) -> dict[str, Any]:
    """An OTU's names without its bases: `{id, name, abbreviation, version, isolates: [{id, default, name,
    sequences: [{id, accession, definition, segment, length}]}]}`, from a stored OTU or one of an index's
    `otus.json.gz` (the same keys)."""
    return {
        "id": document.get("_id"),
        "name": document.get("name") or "",
        "abbreviation": document.get("abbreviation") or "",
        "version": document.get("version"),
        "isolates": [
            {
                "id": isolate.get("id"),
                "default": bool(isolate.get("default")),
                "name": isolate_name(isolate),
                "sequences": [
                    {
                        "id": sequence.get("_id"),
                        "accession": sequence.get("accession") or "",
                        "definition": sequence.get("definition") or "",
                        "segment": sequence.get("segment"),
                        "length": len(sequence.get("sequence") or ""),
                    }
                    for sequence in isolate.get("sequences") or []
                ],
            }
            for isolate in document.get("isolates") or []
        ],
    }


def isolate_name(isolate: dict[str, Any]) -> str:
    """As Virtool names an isolate: "Isolate Canada" from its source type and name; "Unnamed isolate" when the
    source is unknown or empty."""
    source_type = str(isolate.get("source_type") or "").strip()
    source_name = str(isolate.get("source_name") or "").strip()
    if source_type.lower() in ("", "unknown") and not source_name:
        return "Unnamed isolate"
    if source_type.lower() in ("", "unknown"):
        return source_name
    return f"{source_type.capitalize()} {source_name}".strip()


async def outline_otus(ctx: Context, otu_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The current outlines of the stored OTUs among `otu_ids`, by id."""
    found: dict[str, dict[str, Any]] = {}
    async for document in ctx.db.otus.find({"_id": {"$in": sorted(otu_ids)}}):
        found[document["_id"]] = outline_otu(document)
    return found
