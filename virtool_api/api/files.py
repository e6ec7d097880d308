"""Streaming files in and out over HTTP."""

import re
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from virtool_api.storage.files import multipart_file_chunks

__all__ = ["attachment", "download", "multipart_file_chunks"]

_UNSAFE_IN_FALLBACK = re.compile(r"[^A-Za-z0-9 !#$&'()+,\-.@\[\]^_`{}~]")
"""Everything a lax header parser could read as syntax (`"`, `\\`, `;`, `=`, `%`) or that is not ASCII."""


def attachment(name: str) -> str:
    """`Content-Disposition: attachment` naming `name` as RFC 6266 says, whatever characters it holds.

    `filename` is an ASCII fallback in which quotes, semicolons, equals and percent signs, control and
    non-ASCII characters are `_`, so no parser can read a second parameter out of it; when the name needed
    any of that, `filename*` (RFC 8187, UTF-8, percent-encoded) carries it exactly, and browsers prefer it.
    (aiohttp's `content_disposition_header` is the multipart form-data variant: it percent-encodes inside
    the quoted `filename`, which browsers show literally.)
    """
    fallback = _UNSAFE_IN_FALLBACK.sub("_", name) or "file"
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(path: Path, name: str | None = None) -> web.FileResponse:
    """Serve a stored file with sendfile; `.gz` files go out as stored, with no `Content-Encoding`."""
    return web.FileResponse(
        path,
        chunk_size=1024 * 1024,
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": attachment(name or path.name),
        },
    )
