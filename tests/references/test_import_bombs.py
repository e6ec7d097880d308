"""A few bytes must never take the server down: hostile reference exports and HMM annotations are refused
before they cost memory, in a real server process run under a memory limit (so that a regression fails here
instead of taking the machine down), whose peak memory (`VmHWM`) is measured around each import.

Each file is what issue 18 found: an export nested 200,000 arrays deep inside an OTU (454 bytes gzipped:
23 GB before), HMM annotations of 20,000 `[` (+720 MiB), a 400 MiB name (408 KB gzipped: no answer in 240 s),
and 200,000 top-level keys (+220 MiB).
"""

import asyncio
import gzip

import aiohttp

from tests.support.import_servers import MIB, limited_server, upload
from tests.support.real_server import peak_rss

GROWTH = 64 * MIB
"""How much a refused import may add to the server's peak memory."""


def _deep_export(depth: int) -> bytes:
    return gzip.compress(b'{"name": "Deep", "otus": [{"x": ' + b"[" * depth + b"]" * depth + b"}]}", 9)


def _huge_name_export(length: int) -> bytes:
    """A reference whose name is `length` bytes of "a", compressed as it arrives (never held whole here)."""
    out = bytearray()
    with gzip.GzipFile(fileobj=_Sink(out), mode="wb", compresslevel=9) as stream:
        stream.write(b'{"name": "')
        piece = b"a" * MIB
        for _ in range(length // MIB):
            stream.write(piece)
        stream.write(b'", "otus": []}')
    return bytes(out)


class _Sink:
    def __init__(self, out: bytearray) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        self.out += data
        return len(data)

    def flush(self) -> None:
        pass


def _many_keys_export(count: int) -> bytes:
    keys = b", ".join(b'"key%d": %d' % (number, number) for number in range(count))
    return gzip.compress(b'{"name": "Keys", ' + keys + b', "otus": []}')


async def _refused_import(administrator, data: bytes, route: str, upload_type: str) -> tuple[dict, int]:
    """Import `data` in a memory-limited server; `(the answer's body, how much the server's peak grew)`."""
    with limited_server(administrator["data_path"]) as (process, base):
        async with aiohttp.ClientSession(headers=administrator["headers"]) as session:
            upload_id = await upload(session, base, data, upload_type)
            before = peak_rss(process.pid)
            if route == "references":
                request = session.post(f"{base}/references", json={"import_from": upload_id})
            else:
                profiles = await upload(session, base, b"HMMER3/f\n//\n", "hmm")
                request = session.put(f"{base}/hmms", json={"annotations": upload_id, "profiles": profiles})
            response = await asyncio.wait_for(request, 120)
            body = await response.json()
            assert response.status == 400, body
            grown = peak_rss(process.pid) - before
            print(f"{len(data):,} bytes uploaded: {body['message']}; peak memory +{grown / MIB:.1f} MiB")
            assert process.poll() is None
    return body, grown


async def test_an_export_nested_200000_deep_is_refused_without_growing_memory(administrator):
    body, grown = await _refused_import(administrator, _deep_export(200_000), "references", "reference")
    assert body == {"id": "bad_request", "message": "Reference file is nested deeper than 10 levels"}
    assert grown < GROWTH, f"peak memory grew by {grown / MIB:.0f} MiB"


async def test_hmm_annotations_20000_deep_are_refused_without_growing_memory(administrator):
    data = gzip.compress(b"[" * 20_000, 9)
    body, grown = await _refused_import(administrator, data, "hmms", "hmm")
    assert body == {"id": "bad_request", "message": "HMM annotations file is nested deeper than 10 levels"}
    assert grown < GROWTH, f"peak memory grew by {grown / MIB:.0f} MiB"


async def test_a_400_mib_name_is_refused_at_once(administrator):
    """No answer in 240 s before (the parser's cost grew with the square of the string): now the first
    4 MiB past the limit end it."""
    body, grown = await _refused_import(
        administrator, _huge_name_export(400 * MIB), "references", "reference"
    )
    assert body == {"id": "bad_request", "message": "Reference file has a string longer than 4 MiB"}
    assert grown < GROWTH, f"peak memory grew by {grown / MIB:.0f} MiB"


async def test_200000_top_level_keys_are_refused_without_growing_memory(administrator):
    body, grown = await _refused_import(administrator, _many_keys_export(200_000), "references", "reference")
    assert body == {
        "id": "bad_request",
        "message": "Reference file has a list or object of more than 100,000 members",
    }
    assert grown < GROWTH, f"peak memory grew by {grown / MIB:.0f} MiB"
