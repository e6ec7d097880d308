"""Building blocks for the reference, index, subtraction and HMM tests: the real plant-virus reference and
uploads made over the public API, as an administrator would."""

import gzip
import json
from importlib import resources
from typing import Any

from tests.support.reads import multipart_file

DEMO_DATA = resources.files("virtool_api") / "demo_data"
REFERENCE_EXPORT = (DEMO_DATA / "plant-viruses.reference.json.gz").read_bytes()
REFERENCE_FASTA = (DEMO_DATA / "plant-viruses.fa.gz").read_bytes()


def export_json() -> dict[str, Any]:
    return json.loads(gzip.decompress(REFERENCE_EXPORT))


def export_bytes(document: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(document).encode())


async def upload(client, headers, data: bytes, upload_type: str, name: str = "file.gz") -> int:
    response = await client.post(
        f"/api/uploads?name={name}&type={upload_type}", data=multipart_file(data, name), headers=headers
    )
    assert response.status == 201, await response.text()
    return (await response.json())["id"]


async def import_reference(client, headers, data: bytes = REFERENCE_EXPORT) -> dict[str, Any]:
    """The plant-virus reference (or `data`), imported over the public API; asserts 201."""
    upload_id = await upload(client, headers, data, "reference", "reference.json.gz")
    response = await client.post("/api/references", json={"import_from": upload_id}, headers=headers)
    assert response.status == 201, await response.text()
    return await response.json()
