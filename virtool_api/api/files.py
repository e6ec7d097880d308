"""Streaming files in and out over HTTP."""

from pathlib import Path

from aiohttp import web

from virtool_api.storage.files import multipart_file_chunks

__all__ = ["download", "multipart_file_chunks"]


def download(path: Path, name: str | None = None) -> web.FileResponse:
    """Serve a stored file with sendfile; `.gz` files go out as stored, with no `Content-Encoding`."""
    return web.FileResponse(
        path,
        chunk_size=1024 * 1024,
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{name or path.name}"',
        },
    )
