"""The floor `bench/requests.py` measures our routes against: a bare aiohttp app doing the least work that
answers each request, on the same data, in its own process.

    .venv/bin/python bench/floor_app.py DATA_PATH PORT MEMBER_ID MEMBER_PROJECT

- `GET /sample/{id}`, `GET /analysis/{id}`: one `find_one` on our document store (the same file ours serves),
  the document sent as JSON; no authentication, no file records, no labels or job.
- `GET /samples`, `/analyses`, `/jobs` (`who=admin|member`, and for samples `find label tag project status
  visibility`), `GET /subtraction/{id}`: hand-written SQL on `floor.sqlite` (`request_data.py`), run on the
  event loop: a page of 25 newest first, its documents' JSON text joined as stored, and the counts (one when
  nothing narrows the listing, as ours).
- `POST /job/{id}/status`: one conditional `find_one_and_update` on our store (`$set` of state, progress,
  stage on a job that has not finished).
"""

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from virtool_api.storage.docstore import DocumentClient

MEMBER_GROUPS = ["technicians"]
TERMINAL = ["complete", "error", "cancelled", "terminated", "timeout"]


def _default(value: Any) -> str:
    return value.isoformat()


def json_response(document: dict[str, Any] | None) -> web.Response:
    if document is None:
        raise web.HTTPNotFound()
    return web.Response(text=json.dumps(document, default=_default), content_type="application/json")


def rights(member_id: str, project: str) -> tuple[str, list[Any]]:
    """`readable_query` for the member, as SQL over the access columns."""
    groups = ", ".join("?" * len(MEMBER_GROUPS))
    sql = (
        "(user_id = ? OR all_read = 1 OR all_write = 1 OR visibility = 'public'"
        f" OR (grp IN ({groups}) AND group_read = 1) OR (grp IN ({groups}) AND group_write = 1)"
        " OR project IN (?))"
    )
    return sql, [member_id, *MEMBER_GROUPS, *MEMBER_GROUPS, project]


SAMPLE_FILTERS = {
    "find": ("instr(lower_name, ?) > 0", str.lower),
    "label": ("id IN (SELECT sample FROM sample_labels WHERE label = ?)", str),
    "tag": ("id IN (SELECT sample FROM sample_tags WHERE tag = ?)", str),
    "project": ("project = ?", str),
    "status": ("status = ?", str),
    "visibility": ("visibility = ?", str),
}


class Floor:
    def __init__(self, data_path: Path, member_id: str, project: str) -> None:
        self.client = DocumentClient(data_path / "db" / "documents.sqlite")
        self.db = self.client["virtool"]
        self.sql = sqlite3.connect(data_path / "floor.sqlite", isolation_level=None)
        self.sql.execute("PRAGMA cache_size=-8192")  # as our document store reads (docstore/engine.py)
        self.sql.execute("PRAGMA mmap_size=2147418112")
        self.member = rights(member_id, project)

    async def sample(self, request: web.Request) -> web.Response:
        return json_response(await self.db.samples.find_one({"_id": request.match_info["id"]}))

    async def analysis(self, request: web.Request) -> web.Response:
        return json_response(await self.db.analyses.find_one({"_id": request.match_info["id"]}))

    async def status(self, request: web.Request) -> web.Response:
        body = await request.json()
        document = await self.db.jobs.find_one_and_update(
            {"_id": request.match_info["id"], "state": {"$nin": TERMINAL}},
            {"$set": {"state": body["state"], "progress": body["progress"], "stage": body.get("stage")}},
            {"_id": 1},
        )
        if document is None:
            raise web.HTTPConflict()
        return web.json_response(body, status=201)

    def page(
        self,
        table: str,
        request: web.Request,
        filters: list[tuple[str, list[Any]]],
        member: tuple[str, list[Any]] | None = None,
    ) -> web.Response:
        """A page of `table` newest first; a member sees what `member` (default: the samples' rights) lets
        them, an administrator everything."""
        visible = [member or self.member] if request.query.get("who") == "member" else []
        where = " AND ".join(sql for sql, _ in visible + filters) or "1"
        params = [param for _, values in visible + filters for param in values]
        offset = (int(request.query.get("page", "1")) - 1) * 25
        rows = self.sql.execute(
            f"SELECT doc FROM {table} WHERE {where} ORDER BY created_at DESC, id DESC LIMIT 25 OFFSET ?",
            [*params, offset],
        ).fetchall()
        found = self.sql.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]
        total = found
        if filters:
            total_where = " AND ".join(sql for sql, _ in visible) or "1"
            total_params = [param for _, values in visible for param in values]
            total = self.sql.execute(f"SELECT count(*) FROM {table} WHERE {total_where}", total_params)
            total = total.fetchone()[0]
        documents = ",".join(doc for (doc,) in rows)
        text = f'{{"documents":[{documents}],"found_count":{found},"total_count":{total}}}'
        return web.Response(text=text, content_type="application/json")

    async def samples(self, request: web.Request) -> web.Response:
        filters = [
            (sql, [convert(request.query[name])])
            for name, (sql, convert) in SAMPLE_FILTERS.items()
            if request.query.get(name)
        ]
        return self.page("samples", request, filters)

    async def analyses(self, request: web.Request) -> web.Response:
        return self.page("analyses", request, [])

    async def jobs(self, request: web.Request) -> web.Response:
        return self.page("jobs", request, [], member=("user_id = ?", [self.member[1][0]]))

    async def subtraction(self, request: web.Request) -> web.Response:
        subtraction_id = request.match_info["id"]
        document = await self.db.subtractions.find_one({"_id": subtraction_id})
        if document is None:
            raise web.HTTPNotFound()
        linked = self.sql.execute(
            "SELECT s.id, s.name FROM sample_subtractions AS l JOIN samples AS s ON s.id = l.sample"
            " WHERE l.subtraction = ?",
            (subtraction_id,),
        ).fetchall()
        document["linked_samples"] = [{"id": sample_id, "name": name} for sample_id, name in linked]
        return json_response(document)


def floor_app(data_path: Path, member_id: str, project: str) -> web.Application:
    floor = Floor(data_path, member_id, project)
    app = web.Application()
    app.router.add_get("/sample/{id}", floor.sample)
    app.router.add_get("/analysis/{id}", floor.analysis)
    app.router.add_get("/samples", floor.samples)
    app.router.add_get("/analyses", floor.analyses)
    app.router.add_get("/jobs", floor.jobs)
    app.router.add_get("/subtraction/{id}", floor.subtraction)
    app.router.add_post("/job/{id}/status", floor.status)
    return app


def main() -> None:
    data_path, port, member_id, project = sys.argv[1:5]
    web.run_app(floor_app(Path(data_path), member_id, project), host="127.0.0.1", port=int(port), print=None)


if __name__ == "__main__":
    main()
