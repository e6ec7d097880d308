"""What most embedded-document-store tests compare: the `_id`s a cursor yields, in order."""

from typing import Any


async def ids(cursor: Any) -> list[str]:
    return [document["_id"] for document in await cursor.to_list(None)]
