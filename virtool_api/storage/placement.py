"""The one way a received file becomes a stored file: record first, then rename into place."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from virtool_api.errors import Conflict, NotFound, ServiceError
from virtool_api.storage.files import IncomingFile

FILE_NAME_EXISTS = Conflict.declare("File name already exists")
"""An index's or a subtraction's file of that name is already stored."""

StillAccepting = Callable[[], Awaitable[None]]
"""Raises the service error that says why the file's owner takes no more files (404 when it is gone, 409 when
it is finalized or the job sending the file has finished); returns when it still does."""


async def record_then_place(
    sessions: async_sessionmaker,
    row: Any,
    incoming: IncomingFile,
    destination: Callable[[Any], Path],
    conflict: type[ServiceError],
    still_accepting: StillAccepting | None = None,
) -> None:
    """Insert `row`, then rename `incoming` to `destination(row)`; undo the row if the rename fails.

    `destination` sees the row after its id is assigned (analysis files are named `{id}-{name}`). A unique
    constraint violation becomes `conflict`; the caller's `FileStore.receive` then removes the temporary file.

    `still_accepting` is asked once the bytes have arrived, since a file can take minutes to stream while its
    owner (a sample, an analysis) is removed or finalized, or the job sending it finishes:

    - before recording, so that a late file is refused without ever being shown;
    - again once the file is in place, which closes the race with a change landing in between. Removals delete
      the document first and the files after, and finalizing is one conditional update: either that change
      comes after this second check (the file was stored before it, and belongs), or the check sees it and
      the record and the file are taken back.
    """
    if still_accepting is not None:
        await still_accepting()
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
        await _forget(sessions, table, row.id)
        if isinstance(error, FileNotFoundError):
            # The destination directory went away while the file was streaming: its owner was removed.
            raise NotFound() from error
        raise
    if still_accepting is not None:
        try:
            await still_accepting()
        except BaseException:
            await _forget(sessions, table, row.id)
            path.unlink(missing_ok=True)
            raise


async def _forget(sessions: async_sessionmaker, table: Any, row_id: int) -> None:
    async with sessions() as session:
        await session.execute(delete(table).where(table.id == row_id))
        await session.commit()
