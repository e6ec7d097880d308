"""HMM data for NuVs: what is installed (clusters for people to browse, files for jobs), and installing it
from two uploads (administrators). `virtool-api hmms install` installs from files (see
`operations/hmms.py`)."""

import re
from pathlib import Path
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.hmms.install import install_hmms
from virtool_api.hmms.models import (
    ANNOTATIONS_FILE,
    HMM,
    PROFILES_FILE,
    HMMMinimal,
    HMMSearchResult,
    HMMStatus,
    InstallHMMsRequest,
)
from virtool_api.listing import listing_counts
from virtool_api.pagination import page_count, skip
from virtool_api.uploads.service import upload_file
from virtool_api.users.rights import require_administrator

HMM_FILES = (ANNOTATIONS_FILE, PROFILES_FILE)


async def hmm_status(ctx: Context) -> HMMStatus:
    document = await ctx.db.hmm_status.find_one({"_id": "hmms"})
    return HMMStatus.model_validate(document or {"installed": False})


def _render(document: dict[str, Any], model: type[HMMMinimal]) -> Any:
    return model.model_validate({**document, "id": document["_id"]})


async def find_hmms(ctx: Context, find: str | None, page: int, per_page: int) -> HMMSearchResult:
    """Clusters by number; `find` matches a name or a family, case-insensitively, as plain text."""
    found: dict[str, Any] = {}
    if find:
        pattern = {"$regex": re.escape(find.lower())}
        found = {"search_names": pattern}
    documents = (
        await ctx.db.hmms.find(found, {"entries": 0})
        .sort("cluster", 1)
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    found_count, total_count = await listing_counts(ctx.db.hmms, found, {})
    return HMMSearchResult(
        documents=[_render(document, HMMMinimal) for document in documents],
        found_count=found_count,
        total_count=total_count,
        page=page,
        page_count=page_count(found_count, per_page),
        per_page=per_page,
        status=await hmm_status(ctx),
    )


async def get_hmm(ctx: Context, hmm_id: str) -> HMM:
    document = await ctx.db.hmms.find_one({"_id": hmm_id})
    if document is None:
        raise NotFound()
    return _render(document, HMM)


def hmm_file_path(ctx: Context, name: str) -> Path:
    """An installed HMM file, for any job; 404 when none is installed (or for any other name)."""
    if name not in HMM_FILES:
        raise NotFound()
    path = ctx.files.hmms_dir() / name
    if not path.is_file():
        raise NotFound()
    return path


async def install_from_uploads(ctx: Context, user: dict[str, Any], request: InstallHMMsRequest) -> HMMStatus:
    """Install HMM data from two of the caller's uploads of type `hmm` (administrators)."""
    require_administrator(user)
    annotations, _ = await upload_file(ctx, request.annotations, "hmm")
    profiles, _ = await upload_file(ctx, request.profiles, "hmm")
    return await install_hmms(ctx, annotations, profiles)


async def hmm_names(ctx: Context, hmm_ids: set[str]) -> dict[str, list[str]]:
    """The names of the installed HMM annotations among `hmm_ids` (what NuVs hits name), by id."""
    if not hmm_ids:
        return {}
    found: dict[str, list[str]] = {}
    async for document in ctx.db.hmms.find({"_id": {"$in": sorted(hmm_ids)}}, {"names": 1}):
        found[str(document["_id"])] = [str(name) for name in document.get("names") or []]
    return found
