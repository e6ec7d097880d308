"""Public API: samples (`virtool_api/samples/public_api.py`): creating a sample, `POST /api/samples`."""

import asyncio

import pytest
from sqlalchemy import select

from tests.support.projects_helpers import make_project, member
from tests.support.reads import FASTQ_GZ
from tests.support.samples_helpers import SHARING_RESTRICTED_BY_SETTING, create, make_group, upload
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.uploads.tables import Upload
from virtool_api.utils import utc_now


async def test_create_sample(ctx, factory, public_client):
    user, headers = await factory.person()
    uploaded = await upload(public_client, headers)
    response = await create(
        public_client, headers, host="Tomato", library_type="srna", files=[uploaded["id"]]
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    assert response.headers["Location"] == f"/api/samples/{body['id']}"
    assert body["name"] == "Tomato 1"
    assert body["host"] == "Tomato"
    assert body["library_type"] == "srna"
    assert body["ready"] is False
    assert body["status"] == "awaiting_data"
    assert body["paired"] is False
    assert body["visibility"] == "private"
    assert body["owner"] == body["user"] == {"id": user["_id"], "handle": user["handle"]}
    assert body["filename"] == "reads_1.fq.gz"
    assert body["size"] == len(FASTQ_GZ)
    assert body["project"] is None and body["tags"] == []
    assert body["reads"] == [] and body["quality"] is None

    job = await ctx.db.jobs.find_one({"_id": body["job"]["id"]})
    assert job["workflow"] == "create_sample"
    assert job["state"] == "waiting"
    assert job["args"] == {
        "sample_id": body["id"],
        "files": [{"id": uploaded["id"], "name": "reads_1.fq.gz", "size": len(FASTQ_GZ)}],
    }
    async with ctx.sessions() as session:
        assert (await session.get(Upload, uploaded["id"])).reserved is True


async def test_create_paired_sample_with_labels_subtractions_group_project_and_tags(
    ctx, factory, public_client
):
    user, headers = await factory.person()
    group = await make_group(ctx, "Lab")
    project = await make_project(ctx, user, [member(user, can_add_files=True)])
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    subtraction = await insert_with_random_id(ctx.db.subtractions, {"name": "Tomato genome"})
    tag = await insert_with_random_id(ctx.db.tags, {"name": "field", "user": {}, "created_at": utc_now()})
    files = [(await upload(public_client, headers, name))["id"] for name in ("a_1.fq.gz", "a_2.fq.gz")]

    response = await create(
        public_client,
        headers,
        files=files,
        labels=[label["_id"]],
        subtractions=[subtraction["_id"]],
        group=group,
        project={"$ref": f"/api/projects/{project}"},
        tags=[tag["_id"]],
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    assert body["paired"] is True
    assert body["labels"] == [{"id": label["_id"], "name": "Ill", "color": "#FF0000", "description": ""}]
    assert body["subtractions"] == [{"id": subtraction["_id"], "name": "Tomato genome"}]
    assert body["group"] == group
    assert body["project"] == {"$ref": f"/api/projects/{project}"}
    assert body["tags"] == [{"$ref": f"/api/tags/{tag['_id']}"}]
    stored = await ctx.db.samples.find_one({"_id": body["id"]})
    assert stored["project"] == project and stored["tags"] == [tag["_id"]]
    job = await ctx.db.jobs.find_one({"_id": body["job"]["id"]})
    assert [file["id"] for file in job["args"]["files"]] == files


async def test_create_sample_name_in_use(factory, public_client):
    _, headers = await factory.person()
    assert (await create(public_client, headers)).status == 201
    response = await create(public_client, headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Sample name is already in use"}


async def test_concurrent_creates_with_one_name_one_wins(ctx, factory, public_client):
    _, headers = await factory.person()
    uploads = [(await upload(public_client, headers))["id"] for _ in range(2)]
    responses = await asyncio.gather(
        *(
            public_client.post("/api/samples", json={"name": "Race", "files": [upload_id]}, headers=headers)
            for upload_id in uploads
        )
    )
    assert sorted(response.status for response in responses) == [201, 400]
    loser = next(response for response in responses if response.status == 400)
    assert await loser.json() == {"id": "bad_request", "message": "Sample name is already in use"}
    assert await ctx.db.samples.count_documents({"name": "Race"}) == 1
    assert await ctx.db.jobs.count_documents({}) == 1
    async with ctx.sessions() as session:
        reserved = (await session.scalars(select(Upload.reserved).order_by(Upload.id))).all()
    assert sorted(reserved) == [False, True]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"labels": ["nolabel"]}, "Labels do not exist: nolabel"),
        ({"subtractions": ["nosub"]}, "Subtractions do not exist: nosub"),
        ({"tags": ["notag"]}, "Tags do not exist: notag"),
        ({"group": "nogroup"}, "Group does not exist"),
        ({"project": "noproject"}, "Project does not exist"),
        ({"files": [999999]}, "File does not exist"),
    ],
)
async def test_create_sample_with_missing_reference(ctx, factory, public_client, fields, message):
    _, headers = await factory.person()
    response = await create(public_client, headers, **fields)
    assert response.status == 400
    body = await response.json()
    assert (body["id"], body["message"]) == ("bad_request", message)
    assert await ctx.db.samples.count_documents({}) == 0
    assert await ctx.db.jobs.count_documents({}) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"files": []}, "Invalid value for field: files"),
        ({"library_type": "dna"}, "Invalid value for field: library_type"),
        ({"name": ""}, "Invalid value for field: name"),
        ({"ready": True}, "Unknown or read-only field: ready"),
    ],
)
async def test_create_sample_invalid_body(factory, public_client, fields, message):
    _, headers = await factory.person()
    response = await client_post_raw(public_client, headers, {"name": "Tomato 1", "files": [1], **fields})
    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_input", message)


async def client_post_raw(client, headers, body):
    return await client.post("/api/samples", json=body, headers=headers)


async def test_create_sample_with_three_files_or_the_same_file_twice(factory, public_client):
    _, headers = await factory.person()
    uploaded = await upload(public_client, headers)
    response = await create(public_client, headers, files=[uploaded["id"]] * 3)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid value for field: files"
    response = await create(public_client, headers, files=[uploaded["id"]] * 2)
    assert await response.json() == {"id": "bad_request", "message": "Files must be different uploads"}


async def test_create_sample_from_reserved_upload_is_409_and_leaves_nothing(ctx, factory, public_client):
    _, headers = await factory.person()
    uploaded = await upload(public_client, headers)
    assert (await create(public_client, headers, name="First", files=[uploaded["id"]])).status == 201
    response = await create(public_client, headers, name="Second", files=[uploaded["id"]])
    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "File is already reserved"}
    assert await ctx.db.samples.count_documents({"name": "Second"}) == 0


async def test_create_sample_from_someone_elses_upload(factory, public_client):
    _, headers = await factory.person()
    _, other = await factory.person()
    uploaded = await upload(public_client, other)
    response = await create(public_client, headers, files=[uploaded["id"]])
    assert response.status == 400
    # Which id, and what to do about it.
    assert await response.json() == {
        "id": "bad_request",
        "message": "File does not exist",
        "ids": [uploaded["id"]],
        "hint": f"No upload of yours has the id {uploaded['id']} (unknown, removed, or someone else's): "
        "GET /api/uploads lists yours.",
    }


async def test_create_sample_in_project_without_add_permission(ctx, factory, public_client):
    user, headers = await factory.person()
    owner, _ = await factory.person()
    project = await make_project(ctx, owner, [member(user, can_edit_metadata=True)])
    response = await create(public_client, headers, project=project)
    assert response.status == 403
    assert await response.json() == {
        "id": "insufficient_rights",
        "message": "Insufficient rights to add samples to this project",
    }


async def test_create_shared_sample_when_sharing_is_restricted(ctx, factory, public_client):
    _, headers = await factory.person()
    await ctx.db.settings.insert_one({"_id": "server", "restrict_sharing": True})
    response = await create(public_client, headers, visibility="shared")
    assert response.status == 403
    assert await response.json() == SHARING_RESTRICTED_BY_SETTING
    assert (await create(public_client, headers, visibility="private")).status == 201
