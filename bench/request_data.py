"""The data `bench/requests.py` measures: a lab's samples, analyses and jobs, stored twice.

- ours: a data path for `virtool-api serve` (the embedded document store and SQLite file records), filled
  with documents shaped as the services make them, written in bulk (`insert_many`) so that 100k samples,
  300k analyses and 400k jobs take minutes, not hours;
- the floor: `floor.sqlite`, the same documents in plain SQLite tables with one column per field a listing
  filters or sorts by, a join table per array field (labels, tags, subtractions), and the indexes a
  hand-written query needs (each filter then `created_at, id`, and one covering every column a count reads);
  each row also holds its document as JSON text, ready to send.

Per sample: 1-2 of 20 labels, 0-1 of 10 tags, one of 50 subtractions, a project for one in three, a group
for one in four, private (not readable by others) for one in ten, public for one in fifty; a create-sample job
and three analyses, each with its job (so 4 jobs a sample); two reads files and an artifact; one file per
analysis. Owners rotate among 20 users; the member (a non-administrator, in a group and a project) owns one
sample in twenty.
"""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert

from virtool_api.analyses.tables import AnalysisFile
from virtool_api.config import Config
from virtool_api.projects.models import CreateProjectRequest, ProjectMember
from virtool_api.projects.service import create_project
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.server.context import create_context
from virtool_api.users.keys import create_api_key
from virtool_api.users.service import create_user

HOSTS = ["Grapevine", "Tomato", "Potato", "Pepper", "Cucumber", "Apple", "Cherry", "Raspberry", "Hop", "Rose"]
WORKFLOWS = ["pathoscope_bowtie", "nuvs", "pathoscope_bowtie"]
LABELS, TAGS, PROJECTS, SUBTRACTIONS, OWNERS = 20, 10, 5, 50, 20
BATCH = 2000
START = datetime(2020, 1, 1)
RIGHTS = ("all_read", "all_write", "group", "group_read", "group_write", "project", "visibility")
QUALITY = {
    "count": 1000,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 40.0,
    "length": [76, 151],
    "composition": [[29.0, 18.0, 22.0, 31.0]],
    "bases": [[31.0, 32.0, 33.0, 34.0, 35.0, 36.0]],
    "sequences": [0, 10, 990],
}


def _status(state: str, progress: int, at: datetime) -> dict[str, Any]:
    return {
        "state": state,
        "progress": progress,
        "timestamp": at,
        "stage": None,
        "step_name": None,
        "step_description": None,
        "error": None,
    }


def job(
    job_id: str, workflow: str, args: dict[str, Any], user: dict[str, str], at: datetime
) -> dict[str, Any]:
    """A finished job as the server leaves it (its four statuses in the document, as stored before statuses
    had a collection of their own: both versions read that)."""
    return {
        "_id": job_id,
        "created_at": at,
        "acquired": True,
        "key": None,
        "progress": 100,
        "state": "complete",
        "stage": None,
        "user": user,
        "workflow": workflow,
        "args": args,
        "ping": {"pinged_at": at},
        "retries": 0,
        "handed_off": True,
        "status": [
            _status(state, progress, at)
            for state, progress in (("waiting", 0), ("preparing", 0), ("running", 50), ("complete", 100))
        ],
    }


def waiting_job(job_id: str, workflow: str, args: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A job handed off and waiting for a runner, as the job API's benches post statuses to."""
    return {
        "_id": job_id,
        "created_at": at,
        "acquired": False,
        "key": None,
        "progress": 0,
        "state": "waiting",
        "stage": None,
        "user": {"id": "bench", "handle": "bench"},
        "workflow": workflow,
        "args": args,
        "status": [],
        "ping": None,
        "retries": 0,
        "handed_off": True,
    }


def sample(number: int, owner: dict[str, str], ids: dict[str, list[str]]) -> dict[str, Any]:
    at = START + timedelta(seconds=number)
    name = f"{HOSTS[number % len(HOSTS)]} {number:06d}"
    labels = [ids["labels"][number % LABELS]] + ([ids["labels"][number * 7 % LABELS]] if number % 2 else [])
    return {
        "_id": f"s{number:06d}",
        "name": name,
        "lower_name": name.lower(),
        "host": HOSTS[number % 10],
        "isolate": "",
        "locale": "Ontario",
        "notes": "Leaf tissue from the north block.",
        "labels": list(dict.fromkeys(labels)),
        "library_type": "normal",
        "subtractions": [ids["subtractions"][number % SUBTRACTIONS]],
        "ready": True,
        "imported": True,
        "archived": False,
        "user": owner,
        "group": "technicians" if number % 4 == 0 else None,
        "all_read": number % 10 != 0,
        "all_write": False,
        "group_read": True,
        "group_write": number % 8 == 0,
        "hold": False,
        "is_legacy": False,
        "format": "fastq",
        "paired": True,
        "quality": QUALITY,
        "job": {"id": f"j{number:06d}c"},
        "created_at": at,
        "updated_at": at,
        "status": "available",
        "visibility": "public" if number % 50 == 0 else "private",
        "project": ids["projects"][number % PROJECTS] if number % 3 == 0 else None,
        "tags": [ids["tags"][number % TAGS]] if number % 2 == 0 else [],
        "metadata": {},
        "error_msg": None,
        "filename": "reads_1.fq.gz",
        "size": 2048,
        "workflows": {"pathoscope": "complete", "nuvs": "complete", "aodp": "incompatible"},
        "nuvs": True,
        "pathoscope": True,
    }


def analysis(number: int, which: int, document: dict[str, Any], ids: dict[str, Any]) -> dict[str, Any]:
    at = document["created_at"] + timedelta(milliseconds=100 * (which + 1))
    subtraction = document["subtractions"][0]
    return {
        "_id": f"a{number:06d}{which}",
        "created_at": at,
        "updated_at": at,
        "workflow": WORKFLOWS[which],
        "ready": True,
        "sample": {"id": document["_id"], "name": document["name"]},
        "sample_access": {"user": {"id": document["user"]["id"]}, **{f: document[f] for f in RIGHTS}},
        "index": {"id": "index1", "version": 1},
        "reference": {"id": "reference1", "name": "Plant viruses", "data_type": "genome"},
        "subtractions": [{"id": subtraction, "name": f"Host {subtraction}"}],
        "user": document["user"],
        "job": {"id": f"j{number:06d}{which}"},
        "ml": None,
        "results": None,
    }


async def seed(data_path: Path, size: int) -> dict[str, Any]:
    """Fill a data path with `size` samples (3 analyses and 4 jobs each); returns what the bench needs to
    call it: the API keys, the member's groups and projects, and the ids to ask for."""
    ctx = await create_context(Config(data_path=data_path))
    try:
        admin = await create_user(ctx, "bench_admin", administrator=True)
        member = await create_user(ctx, "bench_member", groups=["technicians"])
        await ctx.db.groups.insert_one({"_id": "technicians", "name": "technicians", "permissions": {}})
        owners = [{"id": member["_id"], "handle": "bench_member"}] + [
            {"id": (await create_user(ctx, f"owner{n}"))["_id"], "handle": f"owner{n}"}
            for n in range(1, OWNERS)
        ]
        ids: dict[str, list[str]] = {"labels": [], "tags": [], "projects": [], "subtractions": []}
        for n in range(LABELS):
            ids["labels"].append(f"label{n}")
            await ctx.db.labels.insert_one(
                {"_id": f"label{n}", "name": f"Label {n}", "color": "#A0A0A0", "description": ""}
            )
        for n in range(TAGS):
            ids["tags"].append(f"tag{n}")
            await ctx.db.tags.insert_one({"_id": f"tag{n}", "name": f"Tag {n}", "user": owners[1]})
        for n in range(PROJECTS):
            members = [ProjectMember(user_id=member["_id"])] if n == 0 else []
            request = CreateProjectRequest(name=f"Project {n}", members=members)
            ids["projects"].append(
                (await create_project(ctx, {"_id": owners[1]["id"], **owners[1]}, request)).id
            )
        for n in range(SUBTRACTIONS):
            ids["subtractions"].append(f"sub{n}")
            await ctx.db.subtractions.insert_one(
                {
                    "_id": f"sub{n}",
                    "name": f"Host sub{n}",
                    "nickname": "",
                    "ready": True,
                    "count": 10,
                    "gc": None,
                    "file": {"id": 1, "name": "host.fa.gz"},
                    "created_at": START,
                    "user": owners[1],
                    "job": None,
                }
            )
        _, admin_key = await create_api_key(ctx, admin["_id"], "bench")
        _, member_key = await create_api_key(ctx, member["_id"], "bench")
        floor = Floor(data_path / "floor.sqlite")
        for first in range(0, size, BATCH):
            samples = [sample(n, owners[n % OWNERS], ids) for n in range(first, min(size, first + BATCH))]
            analyses = [analysis(int(s["_id"][1:]), w, s, ids) for s in samples for w in range(3)]
            jobs = [
                job(s["job"]["id"], "create_sample", {"sample_id": s["_id"]}, s["user"], s["created_at"])
                for s in samples
            ] + [
                job(a["job"]["id"], a["workflow"], {"analysis_id": a["_id"]}, a["user"], a["created_at"])
                for a in analyses
            ]
            await ctx.db.samples.insert_many(samples)
            await ctx.db.analyses.insert_many(analyses)
            await ctx.db.jobs.insert_many(jobs)
            floor.add(samples, analyses, jobs)
        floor.finish()
        _file_records(ctx.config.data_path / "virtool.sqlite3", size)
    finally:
        await ctx.close()
    return {
        "admin_key": admin_key,
        "member_key": member_key,
        "member_id": member["_id"],
        "member_projects": [ids["projects"][0]],
        "label": ids["labels"][3],
        "tag": ids["tags"][4],
        "project": ids["projects"][2],
        "subtraction": ids["subtractions"][7],
        "size": size,
    }


def _file_records(path: Path, size: int) -> None:
    """Two reads files and an artifact per sample, one file per analysis (SQLAlchemy Core, in bulk)."""
    engine = create_engine(f"sqlite:///{path}")
    at = START
    with engine.begin() as connection:
        for first in range(0, size, BATCH):
            numbers = range(first, min(size, first + BATCH))
            connection.execute(
                insert(SampleReads),
                [
                    {
                        "sample": f"s{n:06d}",
                        "name": name,
                        "name_on_disk": name,
                        "size": 1024,
                        "uploaded_at": at,
                        "upload": None,
                    }
                    for n in numbers
                    for name in ("reads_1.fq.gz", "reads_2.fq.gz")
                ],
            )
            connection.execute(
                insert(SampleArtifact),
                [
                    {
                        "sample": f"s{n:06d}",
                        "name": "fastqc.txt",
                        "name_on_disk": "fastqc.txt",
                        "size": 10,
                        "type": "fastqc",
                        "uploaded_at": at,
                    }
                    for n in numbers
                ],
            )
            connection.execute(
                insert(AnalysisFile),
                [
                    {
                        "analysis": f"a{n:06d}{w}",
                        "description": None,
                        "format": "sam",
                        "name": "mapped.sam",
                        "name_on_disk": f"a{n:06d}{w}-mapped.sam",
                        "size": 100,
                        "uploaded_at": at,
                    }
                    for n in numbers
                    for w in range(3)
                ],
            )
    engine.dispose()


def _json(value: Any) -> str:
    return json.dumps(value, default=lambda v: v.replace(tzinfo=UTC).isoformat(), separators=(",", ":"))


def _millis(value: datetime) -> int:
    return int(value.replace(tzinfo=UTC).timestamp() * 1000)


ACCESS_COLUMNS = "user_id TEXT, all_read INT, all_write INT, grp TEXT, group_read INT, group_write INT, project TEXT, visibility TEXT"  # noqa: E501
FLOOR_SCHEMA = f"""
CREATE TABLE samples (id TEXT PRIMARY KEY, name TEXT, lower_name TEXT, created_at INT, {ACCESS_COLUMNS},
                      status TEXT, doc TEXT);
CREATE TABLE sample_labels (label TEXT, sample TEXT, PRIMARY KEY (label, sample)) WITHOUT ROWID;
CREATE TABLE sample_tags (tag TEXT, sample TEXT, PRIMARY KEY (tag, sample)) WITHOUT ROWID;
CREATE TABLE sample_subtractions (subtraction TEXT, sample TEXT, PRIMARY KEY (subtraction, sample)) WITHOUT ROWID;
CREATE TABLE analyses (id TEXT PRIMARY KEY, created_at INT, sample_id TEXT, {ACCESS_COLUMNS}, doc TEXT);
CREATE TABLE jobs (id TEXT PRIMARY KEY, created_at INT, user_id TEXT, state TEXT, doc TEXT);
"""  # noqa: E501
FLOOR_INDEXES = [
    *(
        f"CREATE INDEX samples_{c} ON samples ({c}, created_at, id)"
        for c in ("user_id", "all_read", "all_write", "grp", "project", "visibility", "status")
    ),
    "CREATE INDEX samples_created ON samples (created_at, id)",
    "CREATE INDEX samples_lower_name ON samples (lower_name)",
    "CREATE INDEX sample_tags_sample ON sample_tags (sample)",
    "CREATE INDEX sample_labels_sample ON sample_labels (sample)",
    *(
        f"CREATE INDEX analyses_{c} ON analyses ({c}, created_at, id)"
        for c in ("sample_id", "user_id", "all_read", "all_write", "grp", "project", "visibility")
    ),
    "CREATE INDEX analyses_created ON analyses (created_at, id)",
    # What counts read: every column of the rights rule and of the filters, so a count reads the index alone.
    "CREATE INDEX samples_listed ON samples"
    " (user_id, all_read, all_write, visibility, grp, group_read, group_write, project, status, lower_name)",
    "CREATE INDEX analyses_listed ON analyses"
    " (user_id, all_read, all_write, visibility, grp, group_read, group_write, project)",
    "CREATE INDEX jobs_created ON jobs (created_at, id)",
    "CREATE INDEX jobs_user ON jobs (user_id, created_at, id)",
    "CREATE INDEX jobs_state ON jobs (state, created_at, id)",
]


def _access(owner: str, document: dict[str, Any]) -> tuple[Any, ...]:
    return (owner, *(document[field] for field in RIGHTS))


class Floor:
    """The floor's tables, filled batch by batch; indexes are built at the end, then `ANALYZE`."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.executescript(FLOOR_SCHEMA)

    def add(self, samples: list[dict[str, Any]], analyses: list[dict[str, Any]], jobs: list[dict]) -> None:
        run = self.connection.executemany
        self.connection.execute("BEGIN")
        run(
            "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    s["_id"],
                    s["name"],
                    s["lower_name"],
                    _millis(s["created_at"]),
                    *_access(s["user"]["id"], s),
                    s["status"],
                    _json(s),
                )
                for s in samples
            ],
        )
        for field, table in (
            ("labels", "sample_labels"),
            ("tags", "sample_tags"),
            ("subtractions", "sample_subtractions"),
        ):
            run(f"INSERT INTO {table} VALUES (?, ?)", [(v, s["_id"]) for s in samples for v in s[field]])
        run(
            "INSERT INTO analyses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    a["_id"],
                    _millis(a["created_at"]),
                    a["sample"]["id"],
                    *_access(a["sample_access"]["user"]["id"], a["sample_access"]),
                    _json(a),
                )
                for a in analyses
            ],
        )
        run(
            "INSERT INTO jobs VALUES (?, ?, ?, ?, ?)",
            [
                (
                    j["_id"],
                    _millis(j["created_at"]),
                    j["user"]["id"],
                    j["state"],
                    _json({k: v for k, v in j.items() if k not in ("status", "key")}),
                )
                for j in jobs
            ],
        )
        self.connection.execute("COMMIT")

    def finish(self) -> None:
        for statement in FLOOR_INDEXES:
            self.connection.execute(statement)
        self.connection.execute("ANALYZE")
        # SQLite guesses a row's width from its declared columns; the documents make rows ~1 KB: say so
        # (`sz=`, documented in its file format), as our store does, so that it reads the narrow indexes.
        for table in ("samples", "analyses", "jobs"):
            rows, size = self.connection.execute(f"SELECT count(*), avg(length(doc)) FROM {table}").fetchone()
            stat = f"{rows} sz={int(size)}"
            self.connection.execute("INSERT INTO sqlite_stat1 VALUES (?, NULL, ?)", (table, stat))
        self.connection.close()
