"""One Codex's sample and metadata calls, translated to ours.

Rights are asked of `samples/access.py` (over `samples/rights.py`), and changes go through the samples
service, so `/api/v1` and `/api` apply one set of rules. The one difference is One Codex's convention for
what the caller may not read: 404, as if it did not exist (`/api` answers 403). A sample the caller may read
but not change is 403 on both.
"""

from dataclasses import dataclass
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.onecodex import query as v1_query
from virtool_api.onecodex.models import V1ListQuery, V1Metadata, V1MetadataUpdate, V1Sample, V1SampleUpdate
from virtool_api.onecodex.render import render_metadata, render_samples
from virtool_api.samples import service as samples_service
from virtool_api.samples.access import find_sample, listing_query, sample_if_readable
from virtool_api.samples.documents import count_samples, sample_documents
from virtool_api.samples.models import UpdateSampleRequest, Visibility

EXPAND_ALL = "all"


@dataclass
class SamplePage:
    samples: list[V1Sample]
    total_count: int
    """Every sample the listing matches (after the rights filter), not only this page."""
    next_cursor: str | None = None


async def visible_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> dict[str, Any]:
    """The sample document if the caller may read it; 404 otherwise, whether or not it exists, after the
    same work (`sample_if_readable`): no timing tells the two apart."""
    document = await sample_if_readable(ctx, user, sample_id)
    if document is None:
        raise NotFound()
    return document


async def _render_one(ctx: Context, document: dict[str, Any], expand: str | None) -> V1Sample:
    return (await render_samples(ctx, [document], expand == EXPAND_ALL))[0]


async def get_sample(ctx: Context, user: dict[str, Any], sample_id: str, expand: str | None) -> V1Sample:
    return await _render_one(ctx, await visible_sample(ctx, user, sample_id), expand)


async def find_samples(
    ctx: Context, user: dict[str, Any], request: V1ListQuery, cursor_style: bool, public_only: bool = False
) -> SamplePage:
    """A page of the samples the caller may list (the listing rule of `samples/rights.py`), narrowed by the
    client's `where` and, for `/samples/public`, to public samples.

    Ordered by `(created_at, _id)`; cursor-style pages continue after the last sample of the previous one.
    """
    where = v1_query.sample_filter(v1_query.parse_json_object(request.where, "where"))
    _, descending = v1_query.sort_order(
        v1_query.parse_json_object(request.sort, "sort"), ("created_at",), "created_at"
    )
    clauses = [await listing_query(ctx, user), where]
    if public_only:
        clauses.append({"visibility": Visibility.PUBLIC.value})
    matching = _all_of(clauses)
    total_count = await count_samples(ctx, matching)

    direction = -1 if descending else 1
    order = [("created_at", direction), ("_id", direction)]
    if not cursor_style:
        documents = await sample_documents(
            ctx, matching, order, (request.page - 1) * request.per_page, request.per_page
        )
        return SamplePage(await render_samples(ctx, documents, request.expand == EXPAND_ALL), total_count)

    if request.cursor:
        clauses.append(v1_query.cursor_filter(request.cursor, descending))
    documents = await sample_documents(ctx, _all_of(clauses), order, 0, request.per_page + 1)
    next_cursor = None
    if len(documents) > request.per_page:
        documents = documents[: request.per_page]
        next_cursor = v1_query.encode_cursor(documents[-1])
    samples = await render_samples(ctx, documents, request.expand == EXPAND_ALL)
    return SamplePage(samples, total_count, next_cursor)


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    present = [clause for clause in clauses if clause]
    if not present:
        return {}
    return present[0] if len(present) == 1 else {"$and": present}


async def update_sample(
    ctx: Context, user: dict[str, Any], sample_id: str, request: V1SampleUpdate
) -> V1Sample:
    """Change visibility, project and tags through the samples service: its write right, project
    permission, sharing restriction and reference checks.
    """
    await visible_sample(ctx, user, sample_id)
    update = UpdateSampleRequest.model_validate(request.changes())
    await samples_service.update_sample(ctx, user, sample_id, update)
    return await _render_one(ctx, await find_sample(ctx, sample_id), EXPAND_ALL)


async def remove_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> None:
    """Remove the sample as `DELETE /api/samples/{id}` does (write right; 409 while it is being created)."""
    await visible_sample(ctx, user, sample_id)
    await samples_service.remove_sample(ctx, user, sample_id)


async def get_metadata(ctx: Context, user: dict[str, Any], sample_id: str) -> V1Metadata:
    return render_metadata(await visible_sample(ctx, user, sample_id))


async def update_metadata(
    ctx: Context, user: dict[str, Any], sample_id: str, request: V1MetadataUpdate
) -> V1Metadata:
    """Set the keys sent in the sample's `metadata` (the samples service: write right, one key at a time)."""
    await visible_sample(ctx, user, sample_id)
    document = await samples_service.set_sample_metadata(ctx, user, sample_id, request.changes())
    return render_metadata(document)
