"""Paginated listings: `page`/`per_page` in the query, `{documents, found_count, total_count, page,
page_count, per_page}` in the body, as Virtool's listings answer. Reading a page from a store is
`listing.py`'s; this module is models and arithmetic (the runner imports it, through `jobs/models.py`, without
a store).

`total_count` counts what the caller may see; `found_count` what also matches the listing's filters.
"""

import math
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

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
