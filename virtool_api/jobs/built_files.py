"""The files of a resource a job builds and uploads to (a reference index, a subtraction), in one place.

Such a resource keeps its files as `{directory}/{name}` in the data directory, one SQL row each (`id`, the
resource's id, `name`, `type`, `size`, `uploaded_at`; unique per resource and name). Its job sends them one by
one, each streamed to a temporary name, recorded, then renamed into place (`storage/placement.py`), and taken
only while the resource exists (404), is not finalized (409) and the job has not finished (409). Removing the
resource purges its rows and its directory. Each domain describes its resource once, as a `BuiltFiles`.
"""

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row, Select, bindparam, delete, select

from virtool_api.context import Context
from virtool_api.errors import NotFound, ServiceError
from virtool_api.jobs.service import require_job_still_active
from virtool_api.storage.files import FileStore
from virtool_api.storage.placement import FILE_NAME_EXISTS, record_then_place
from virtool_api.utils import utc_now


@dataclass(frozen=True)
class BuiltFiles:
    """How one kind of job-built resource keeps its files."""

    collection: str
    """The document collection of the resource (`indexes`): whether it exists, whether it is `ready`."""
    table: Any
    """The SQL table of its files (a mapped class)."""
    owner: str
    """The table's column, and the file model's field, holding the resource's id (`index`)."""
    file_types: Mapping[str, str]
    """The file names the resource takes, and the type each is recorded with."""
    finalized: type[ServiceError]
    """The 409 for a file sent after the resource is finalized."""
    directory: Callable[[FileStore, str], Path]
    """Where its files live (`FileStore.index_dir`)."""
    model: type[BaseModel]
    """A file as the API shows it."""
    url: str
    """Where a file is downloaded: `{id}` and `{name}` are filled in."""

    def render(self, row: Any) -> Any:
        resource_id = getattr(row, self.owner)
        return self.model(
            id=row.id,
            name=row.name,
            type=row.type,
            size=row.size,
            download_url=self.url.format(id=resource_id, name=row.name),
            **{self.owner: resource_id},
        )

    @cached_property
    def _rows(self) -> Select[Any]:
        # Built once, bound per request: building a `select` costs more than running it (`storage/sql.py`).
        return (
            select(self.table.__table__)
            .where(getattr(self.table, self.owner) == bindparam("resource_id"))
            .order_by(self.table.id)
        )

    async def rows(self, ctx: Context, resource_id: str) -> Sequence[Row[Any]]:
        """The resource's file records, oldest first."""
        (rows,) = await ctx.records.all(self._rows, resource_id=resource_id)
        return rows

    async def require_accepting(self, ctx: Context, resource_id: str, job_id: str) -> None:
        """The resource takes files from its job while it exists (404), is not finalized (409) and the job has
        not finished (409), all read afresh: asked again when a file that took a while to arrive is recorded
        (`record_then_place`)."""
        document = await getattr(ctx.db, self.collection).find_one({"_id": resource_id}, {"ready": 1})
        if document is None:
            raise NotFound()
        if document.get("ready"):
            raise self.finalized
        await require_job_still_active(ctx, job_id)

    async def store(
        self,
        ctx: Context,
        resource_id: str,
        name: str,
        chunks: AsyncIterator[bytes],
        job_id: str | None = None,
    ) -> Any:
        """Receive one of the resource's files (a name from `file_types`); 409 if that name is stored.

        Sent by its job (`job_id`), it is taken only while the resource and the job still accept files.
        Without a job (the server's own `otus.json.gz`, a benchmark's setup) it is simply stored."""
        column = getattr(self.table, self.owner)
        async with ctx.sessions() as session:
            if await session.scalar(
                select(self.table.id).where(column == resource_id, self.table.name == name)
            ):
                raise FILE_NAME_EXISTS
        directory = self.directory(ctx.files, resource_id)
        async with ctx.files.receive(chunks, directory) as incoming:
            row = self.table(
                name=name,
                type=self.file_types[name],
                size=incoming.size,
                uploaded_at=utc_now(),
                **{self.owner: resource_id},
            )

            async def still_accepting() -> None:
                assert job_id is not None
                await self.require_accepting(ctx, resource_id, job_id)

            await record_then_place(
                ctx.sessions,
                row,
                incoming,
                lambda _: directory / name,
                FILE_NAME_EXISTS,
                still_accepting if job_id is not None else None,
            )
        return self.render(row)

    async def path(self, ctx: Context, resource_id: str, name: str) -> Path:
        """The path of a recorded file; 404 for a name outside `file_types`, or a file not stored."""
        if name not in self.file_types:
            raise NotFound()
        column = getattr(self.table, self.owner)
        async with ctx.sessions() as session:
            row = await session.scalar(
                select(self.table).where(column == resource_id, self.table.name == name)
            )
        path = self.directory(ctx.files, resource_id) / name
        if row is None or not path.is_file():
            raise NotFound()
        return path

    async def remove_unfinalized(
        self, ctx: Context, resource_id: str, only_unfinalized: type[ServiceError]
    ) -> dict[str, Any]:
        """Remove the resource while it is not finalized, then its files (the clean-up a failing job sends);
        404 if it does not exist, `only_unfinalized` once it is finalized. Returns the removed document."""
        collection = getattr(ctx.db, self.collection)
        removed = await collection.find_one_and_delete({"_id": resource_id, "ready": False})
        if removed is None:
            if await collection.find_one({"_id": resource_id}, {"_id": 1}) is None:
                raise NotFound()
            raise only_unfinalized
        await self.purge(ctx, resource_id)
        return dict(removed)

    async def purge(self, ctx: Context, resource_id: str) -> None:
        """Remove every file record of the resource, then its directory."""
        async with ctx.sessions() as session:
            await session.execute(delete(self.table).where(getattr(self.table, self.owner) == resource_id))
            await session.commit()
        await ctx.files.remove_tree(self.directory(ctx.files, resource_id))
