"""A listing's page read from a store with its counts (`pagination.py` has its models and arithmetic)."""

from typing import Any

from virtool_api.pagination import NEWEST_FIRST, skip
from virtool_api.storage.steps import Count, Find, Steps


async def listing_counts(collection: Any, found: dict[str, Any], visible: dict[str, Any]) -> tuple[int, int]:
    """`(found_count, total_count)`: the documents matching the listing's filter, and those the caller may
    see. Counted once when the filters narrow nothing (`found` is `visible`): a count is most of a page's time
    on a large collection."""
    total_count = await collection.count_documents(visible)
    if found == visible:
        return total_count, total_count
    return await collection.count_documents(found), total_count


Listed = tuple[list[dict[str, Any]], int, int]
"""A page's documents, its `found_count` and its `total_count`."""


def page_steps(
    collection: str,
    found: dict[str, Any],
    visible: dict[str, Any],
    page: int,
    per_page: int,
    projection: Any = None,
) -> Steps[Listed]:
    """A page of `collection`'s documents matching `found` newest first, with its counts (`listing_counts`),
    as steps: with what the page is shown with, one round trip on the embedded store (`storage/steps.py`)."""
    documents = yield Find(
        collection, found, projection, sort=NEWEST_FIRST, limit=per_page, skip=skip(page, per_page)
    )
    total_count = yield Count(collection, visible)
    found_count = total_count if found == visible else (yield Count(collection, found))
    return documents, found_count, total_count
