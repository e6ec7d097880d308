"""The one way a received file becomes a stored file: record first, then rename into place."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from virtool_api.errors import NotFound
from virtool_api.storage.files import IncomingFile


async def record_then_place(
    sessions: async_sessionmaker,
    row: Any,
    incoming: IncomingFile,
    destination: Callable[[Any], Path],
    conflict: Exception,
    owner_exists: Callable[[], Awaitable[bool]] | None = None,
) -> None:
    """Insert `row`, then rename `incoming` to `destination(row)`; undo the row if the rename fails.

    `destination` sees the row after its id is assigned (analysis files are named `{id}-{name}`). A unique
    constraint violation becomes `conflict`; the caller's `FileStore.receive` then removes the temporary file.

    `owner_exists` closes the race with a removal of the file's owner (a sample, an analysis) during the
    upload: removals delete the document first and the files after, so a file placed after that sweep finds
    its owner gone here, and is taken back (404).
    """
    table = type(row)
    async with sessions() as session:
        session.add(row)
        try:
            await session.flush()
            path = destination(row)
            await session.commit()
        except IntegrityError:
            raise conflict from None
    try:
        incoming.place(path)
    except BaseException as error:
        async with sessions() as session:
            await session.execute(delete(table).where(table.id == row.id))
            await session.commit()
        if isinstance(error, FileNotFoundError):
            # The destination directory went away while the file was streaming: its owner was removed.
            raise NotFound() from error
        raise
    if owner_exists is not None and not await owner_exists():
        async with sessions() as session:
            await session.execute(delete(table).where(table.id == row.id))
            await session.commit()
        path.unlink(missing_ok=True)
        raise NotFound()
