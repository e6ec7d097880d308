"""A fake of NCBI's BLAST URL API at the HTTP level (`fake_ncbi`), for the BLAST tests and any module that
starts a BLAST: import the fixture at the top of the module and point the app's `config` at its `url`."""

import io
import json
import zipfile
from typing import Any

import pytest
from aiohttp import web


def json2_zip(rid: str, hits: list[dict[str, Any]]) -> bytes:
    report = {
        "BlastOutput2": {
            "report": {
                "program": "blastn",
                "version": "BLASTN 2.16.0+",
                "search_target": {"db": "nt"},
                "results": {"search": {"hits": hits}},
            }
        }
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(f"{rid}.json", json.dumps({"BlastJSON": [{"File": f"{rid}_1.json"}]}))
        bundle.writestr(f"{rid}_1.json", json.dumps(report))
    return buffer.getvalue()


NCBI_HIT = {
    "num": 1,
    "description": [
        {
            "accession": "NC_001367",
            "title": "Tobacco mosaic virus, complete genome",
            "taxid": 12242,
            "sciname": "Tobacco mosaic virus",
        }
    ],
    "len": 6395,
    "hsps": [
        {"bit_score": 540.1, "score": 292, "evalue": 1.2e-150, "identity": 292, "align_len": 292, "gaps": 0}
    ],
}


class FakeNcbi:
    """Just enough of NCBI's BLAST URL API: Put, SearchInfo, JSON2 Alignment."""

    def __init__(self) -> None:
        self.waiting_checks = 1
        self.final_status = "READY"
        self.archive: bytes | None = None
        self.failures_before_success = 0
        self.requests: list[dict[str, str]] = []
        self._checks: dict[str, int] = {}
        self._count = 0

    async def handle(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST":
            params.update(dict(await request.post()))
        self.requests.append(params)
        if self.failures_before_success > 0:
            self.failures_before_success -= 1
            return web.Response(status=503, text="busy")
        if params.get("CMD") == "Put":
            self._count += 1
            rid = f"RID{self._count:04d}XYZ"
            return web.Response(
                text=f"<html><!--QBlastInfoBegin\n    RID = {rid}\n    RTOE = 12\nQBlastInfoEnd\n--></html>"
            )
        rid = params["RID"]
        if params.get("FORMAT_OBJECT") == "SearchInfo":
            seen = self._checks[rid] = self._checks.get(rid, 0) + 1
            status = "WAITING" if seen <= self.waiting_checks else self.final_status
            return web.Response(text=f"<!--QBlastInfoBegin\n\tStatus={status}\nQBlastInfoEnd\n-->")
        body = self.archive if self.archive is not None else json2_zip(rid, [NCBI_HIT])
        return web.Response(body=body, content_type="application/zip")


@pytest.fixture
async def fake_ncbi(aiohttp_server):
    fake = FakeNcbi()
    app = web.Application()
    app.router.add_route("*", "/Blast.cgi", fake.handle)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("/Blast.cgi"))
    return fake
