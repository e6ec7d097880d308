"""Paginated listings: `page`/`per_page` in the query, `{documents, found_count, total_count, page,
page_count, per_page}` in the body, as Virtool's listings answer.

`total_count` counts what the caller may see; `found_count` what also matches the listing's filters.
"""

import math
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from virtool_api.storage.steps import Count, Find, Steps

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
"""Far beyond any real listing, and keeps `skip` inside the 64-bit integers the stores take."""

NEWEST_FIRST = [("created_at", -1), ("_id", -1)]
"""The order of samples, analyses, jobs and projects in their listings: `_id` breaks ties between
documents created at the same instant, so pages never repeat or skip one. Indexes: `storage/mongo.py`."""
OLDEST_FIRST = [("created_at", 1), ("_id", 1)]

T = TypeVar("T")


class PageQuery(BaseModel):
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    per_page: int = Field(default=25, ge=1, le=MAX_PER_PAGE)


class Page(BaseModel, Generic[T]):
    documents: list[T]
    found_count: int
    total_count: int
    page: int
    page_count: int
    per_page: int


def page_count(found_count: int, per_page: int) -> int:
    return math.ceil(found_count / per_page)


def skip(page: int, per_page: int) -> int:
    return (page - 1) * per_page


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
