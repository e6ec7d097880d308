"""Row ids are never given out twice, on SQLite as on PostgreSQL, and a finished job can read nothing more.

The two together close what the issue found: a completed create-sample job kept reading `GET /uploads/1` after
upload 1 was deleted and another user's new upload got id 1 again.
"""

import gzip
import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from tests.support.errors import JOB_FINISHED
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, QUALITY, multipart_file
from virtool_api.storage.migrate import alembic_config

FASTA = b">contig_1\nACGTACGT\n"


async def post_upload(client, headers, data: bytes) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = await client.post(
        "/api/uploads",
        params={"name": "reads.fq.gz", "type": "reads"},
        data=multipart_file(data),
        headers=headers,
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def test_a_finished_job_cannot_read_the_upload_that_takes_its_uploads_place(
    public_client, jobs_client, factory
):
    """The issue's scenario, step by step, through both APIs."""
    _, alice = await factory.person()
    _, bob = await factory.person()

    first = await post_upload(public_client, alice, FASTQ_GZ)
    response = await public_client.post(
        "/api/samples", json={"name": "Vine 1", "files": [first["id"]]}, headers=alice
    )
    assert response.status == 201, await response.text()
    sample = await response.json()
    job_id = sample["job"]["id"]

    # The create-sample job does its work and completes.
    auth = await acquire(jobs_client, job_id)
    assert (await jobs_client.get(f"/api/uploads/{first['id']}", headers=auth)).status == 200
    response = await jobs_client.put(
        f"/api/samples/{sample['id']}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201
    assert (
        await jobs_client.patch(f"/api/samples/{sample['id']}", json={"quality": QUALITY}, headers=auth)
    ).status == 200
    response = await jobs_client.post(
        f"/api/jobs/{job_id}/status", json={"state": "complete", "progress": 100}, headers=auth
    )
    assert response.status == 201

    # Alice removes the sample (releasing the upload) and the upload: the uploads table is empty.
    assert (await public_client.delete(f"/api/samples/{sample['id']}", headers=alice)).status == 204
    assert (await public_client.delete(f"/api/uploads/{first['id']}", headers=alice)).status == 204

    # Bob's new upload gets a new id, never the deleted one.
    bobs = await post_upload(public_client, bob, gzip.compress(b"@bob's private read\nACGT\n+\nIIII\n"))
    assert bobs["id"] > first["id"]

    # The finished job reads nothing: neither the id its args name nor any other.
    for upload_id in (first["id"], bobs["id"]):
        response = await jobs_client.get(f"/api/uploads/{upload_id}", headers=auth)
        assert response.status == 409
        assert await response.json() == JOB_FINISHED


async def test_analysis_file_ids_are_never_reused(jobs_client, factory):
    ids = []
    for _ in range(2):
        analysis = await factory.analysis()
        job = await factory.analysis_job(analysis)
        auth = await acquire(jobs_client, job["_id"])
        response = await jobs_client.post(
            f"/api/analyses/{analysis['_id']}/files",
            params={"name": "contigs.fa"},
            data=multipart_file(FASTA),
            headers=auth,
        )
        assert response.status == 201, await response.text()
        ids.append((await response.json())["id"])
        # The newest file goes with its analysis: its id must not come back.
        response = await jobs_client.delete(f"/api/analyses/{analysis['_id']}", headers=auth)
        assert response.status == 204
    assert ids[1] > ids[0]


async def test_every_table_with_an_integer_id_never_reuses_ids(ctx):
    """Checked on the migrated schema itself, so a table added by a later migration is held to it too."""
    async with ctx.engine.connect() as connection:
        dialect = connection.dialect.name

        def integer_id_tables(sync) -> list[str]:  # type: ignore[no-untyped-def]
            inspector = inspect(sync)
            names = []
            for table in inspector.get_table_names():
                primary_key = inspector.get_pk_constraint(table)["constrained_columns"]
                columns = {column["name"]: column for column in inspector.get_columns(table)}
                if len(primary_key) == 1 and "INT" in str(columns[primary_key[0]]["type"]).upper():
                    names.append(table)
            return names

        tables = await connection.run_sync(integer_id_tables)
        assert {"uploads", "analysis_files", "sample_reads", "sample_artifacts", "nuvs_blast"} <= set(tables)
        for table in tables:
            if dialect == "sqlite":
                sql = await connection.scalar(
                    text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                    {"name": table},
                )
                assert "AUTOINCREMENT" in sql, table
            else:
                default = await connection.scalar(
                    text(
                        "SELECT column_default FROM information_schema.columns"
                        " WHERE table_name = :name AND column_name = 'id'"
                    ),
                    {"name": table},
                )
                assert default is not None and default.startswith("nextval("), table


def test_the_migration_keeps_every_row_and_stops_reuse(tmp_path: Path):
    """A store written before 0004 keeps its rows, indexes and constraints; an id is never given twice."""
    path = tmp_path / "virtool.sqlite3"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0003")
    with sqlite3.connect(path) as connection:
        for number in (1, 2, 3):
            connection.execute(
                "INSERT INTO uploads (name, name_on_disk, size, type, user, reserved, removed, created_at)"
                " VALUES ('reads.fq.gz', ?, 10, 'reads', 'alice', 0, 0, '2026-01-01')",
                (f"{number}-reads.fq.gz",),
            )
        connection.execute("DELETE FROM uploads WHERE id = 3")
        indexes_before = set(connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))

    command.upgrade(config, "0004")

    with sqlite3.connect(path) as connection:
        assert list(connection.execute("SELECT id, name_on_disk FROM uploads ORDER BY id")) == [
            (1, "1-reads.fq.gz"),
            (2, "2-reads.fq.gz"),
        ]
        assert (
            set(connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")) == indexes_before
        )
        connection.execute("DELETE FROM uploads WHERE id = 2")
        connection.execute(
            "INSERT INTO uploads (name, name_on_disk, size, type, user, reserved, removed, created_at)"
            " VALUES ('other.fq.gz', 'x', 10, 'reads', 'bob', 0, 0, '2026-01-02')"
        )
        [(new_id,)] = connection.execute("SELECT id FROM uploads WHERE user = 'bob'")
        # Not 2, deleted after the migration. (3 itself was deleted before it, which 0004 cannot know.)
        assert new_id == 3
        try:
            connection.execute(
                "INSERT INTO uploads (name, name_on_disk, size, type, user, reserved, removed, created_at)"
                " VALUES ('dup', '1-reads.fq.gz', 10, 'reads', 'bob', 0, 0, '2026-01-02')"
            )
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("the unique name_on_disk constraint was lost")
