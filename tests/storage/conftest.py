"""Fixtures the storage tests share."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.docstore_pair import memory_backed_directory, open_oracle, open_subject
from tests.support.factory import Factory
from virtool_api.context import Context
from virtool_api.projects.models import CreateProjectRequest, ProjectMember
from virtool_api.projects.service import create_project
from virtool_api.storage.docstore import DocumentClient


@pytest.fixture
async def member(ctx: Context, factory: Factory) -> dict[str, Any]:
    """A non-administrator in a group and in a project of someone else's: every clause of the rights rule
    (their listings read their projects first)."""
    owner, _ = await factory.person()
    user, _ = await factory.person(groups=["technicians"])
    request = CreateProjectRequest(name="Grapevine survey", members=[ProjectMember(user_id=user["_id"])])
    await create_project(ctx, owner, request)
    return user


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[DocumentClient]:
    """An embedded document store of its own (the test_docstore_*.py modules; some declare their own)."""
    client = DocumentClient(tmp_path / "documents.sqlite")
    yield client
    await client.aclose()


@pytest.fixture
def db(client: DocumentClient) -> Any:
    return client["virtool"]


@pytest.fixture
async def people(db: Any) -> Any:
    """Five people whose fields hold each type and shape the filters, sorts and projections meet."""
    await db.people.create_index("age")
    await db.people.insert_many(
        [
            {"_id": "ann", "age": 30, "groups": ["lab", "admin"], "address": {"city": "Oslo"}, "note": None},
            {"_id": "bob", "age": 25, "groups": ["lab"], "address": {"city": "Bergen"}},
            {"_id": "cat", "age": 41.5, "groups": [], "pets": [{"kind": "dog"}, {"kind": "cat"}]},
            {"_id": "dan", "age": "unknown", "groups": ["field"]},
            {"_id": "eve", "groups": ["lab", "field"], "address": {"city": "oslo"}},
        ]
    )
    return db.people


@pytest.fixture
async def pair() -> AsyncIterator[tuple[Any, Any]]:
    """A `things` collection in each store the differential tests compare: tinymongo (the oracle) and ours
    (the subject)."""
    with memory_backed_directory() as name:
        oracle = await open_oracle(Path(name) / "tinymongo")
        subject = await open_subject(Path(name) / "docstore.sqlite")
        try:
            yield oracle.db.things, subject.db.things
        finally:
            await subject.close()
            await oracle.close()
