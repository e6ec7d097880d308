"""File records read by SQLite's own driver (`storage/sqlite_rows.py`) are the rows SQLAlchemy reads: the same
column names, values and types (text turned to `datetime`, integers to `bool`, JSON decoded), for every
statement the hot paths pass to `ctx.records.all`."""

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, create_engine
from sqlalchemy.orm import Session

from virtool_api.analyses import documents as analysis_documents
from virtool_api.analyses.blasts import BLASTS
from virtool_api.analyses.tables import AnalysisFile, NuvsBlast
from virtool_api.indexes.files import INDEX_FILES
from virtool_api.samples import documents as sample_documents
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.storage.sqlite_rows import SqliteRows
from virtool_api.subtractions.files import SUBTRACTION_FILES
from virtool_api.subtractions.tables import SubtractionFile

UPLOADED = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "records.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        for name in ("reads_2.fq.gz", "reads_1.fq.gz"):
            session.add(
                SampleReads(
                    sample="s1", name=name, name_on_disk=name, size=10, uploaded_at=UPLOADED, upload=3
                )
            )
        session.add(
            SampleArtifact(
                sample="s1",
                name="fastqc.txt",
                name_on_disk="f.txt",
                size=1,
                type="fastqc",
                uploaded_at=UPLOADED,
            )
        )
        session.add(
            AnalysisFile(
                analysis="a1",
                description=None,
                format="bam",
                name="x.bam",
                name_on_disk="a1-x.bam",
                size=2,
                uploaded_at=UPLOADED,
            )
        )
        for index, (ready, result) in enumerate([(True, {"hits": [{"score": 1.5}]}), (False, None)]):
            session.add(
                NuvsBlast(
                    analysis_id="a1",
                    sequence_index=index,
                    sequence="ACGT",
                    backend="ncbi",
                    rid=None,
                    ready=ready,
                    interval=3.0,
                    created_at=UPLOADED,
                    updated_at=UPLOADED,
                    last_checked_at=UPLOADED,
                    next_check_at=UPLOADED,
                    result=result,
                    error=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        session.add(
            SubtractionFile(subtraction="t1", name="t.fa.gz", type="fasta", size=5, uploaded_at=UPLOADED)
        )
        session.commit()
    engine.dispose()
    return path


STATEMENTS: list[tuple[str, Select[Any], dict[str, str]]] = [
    ("a sample's files", sample_documents.FILES, {"sample_id": "s1"}),
    ("an analysis's files", analysis_documents.FILES, {"analysis_id": "a1"}),
    ("an analysis's BLASTs", BLASTS, {"analysis_id": "a1"}),
    ("a subtraction's files", SUBTRACTION_FILES._rows, {"resource_id": "t1"}),
    ("an index's files (none)", INDEX_FILES._rows, {"resource_id": "i1"}),
]


@pytest.mark.parametrize(
    ("statement", "params"), [entry[1:] for entry in STATEMENTS], ids=[e[0] for e in STATEMENTS]
)
def test_rows_read_by_sqlite_are_the_rows_sqlalchemy_reads(
    database: Path, statement: Select[Any], params: dict[str, str]
) -> None:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        expected = connection.execute(statement, params).all()
    rows = SqliteRows(database, engine.dialect)
    try:
        (first,) = rows.run([statement], params)
        (again,) = rows.run([statement], params)  # compiled the first time, kept after
    finally:
        rows.close()
        engine.dispose()
    assert [row._asdict() for row in first] == [row._asdict() for row in expected]
    assert [tuple(row) for row in first] == [tuple(row) for row in expected]
    assert [[type(value) for value in row] for row in first] == [
        [type(value) for value in row] for row in expected
    ]
    assert again == first
    if "sample_id" in params:
        assert {row.kind for row in first} == {"reads", "artifact"}
