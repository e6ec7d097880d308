"""The web client's files, served from the package: read once, kept in memory with their gzip and an ETag.

They are small (the client ~100 KB; the vendored libraries ~2 MB, mostly Swagger UI), so memory is cheaper
than a `sendfile` per request, and gzip happens once per process instead of once per request. Only files found
under `static/` when the process starts can be served: a request path is a key in that table, never joined
onto a directory.
"""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).parent / "static"

_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".md": "text/markdown",
    ".txt": "text/plain",
    "": "text/plain",  # LICENSE files
}
_COMPRESSIBLE = {"text/javascript", "text/css", "text/html", "image/svg+xml", "text/markdown", "text/plain"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class Assets:
    def __init__(self, root: Path = STATIC) -> None:
        self._paths = {
            path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*")) if path.is_file()
        }
        self._loaded: dict[str, Asset] = {}

    def names(self) -> list[str]:
        return list(self._paths)

    def get(self, name: str) -> Asset | None:
        """The asset stored as `name` (a path relative to `static/`), or None."""
        if name in self._loaded:
            return self._loaded[name]
        path = self._paths.get(name)
        if path is None:
            return None
        body = path.read_bytes()
        content_type = _content_type(path)
        gzipped = (
            gzip.compress(body, 9, mtime=0) if content_type in _COMPRESSIBLE and len(body) > 512 else None
        )
        asset = Asset(body, gzipped, content_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
        self._loaded[name] = asset
        return asset
