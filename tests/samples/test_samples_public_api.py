"""Public API: samples (`virtool_api/samples/public_api.py`)."""

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import FASTQ_GZ, QUALITY, acquire, multipart_file
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.samples.tables import SampleReads
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.uploads.tables import Upload
from virtool_api.utils import as_utc, utc_now

VISIBILITIES = ("public", "shared", "private", "importing", "awaiting data")
UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": PUBLIC_CREDENTIALS_HINT,
}


async def upload(client, headers: dict[str, str], name: str = "reads_1.fq.gz") -> dict[str, Any]:
    response = await client.post(
        f"/api/uploads?name={name}&type=reads", data=multipart_file(FASTQ_GZ, name), headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def create(client, headers: dict[str, str], **fields: Any):
    """POST /samples with one fresh upload unless `files` is given."""
    if "files" not in fields:
        fields["files"] = [(await upload(client, headers))["id"]]
    return await client.post("/api/samples", json={"name": "Tomato 1", **fields}, headers=headers)


async def stored_sample(ctx, factory, owner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A finalized sample of `owner`, private, readable by no one else unless `fields` say so."""
    from virtool_api.samples.documents import create_sample

    defaults = {
        "ready": True,
        "quality": QUALITY,
        "status": "available",
        "all_read": False,
        "all_write": False,
        "group_read": False,
        "group_write": False,
    }
    return await create_sample(
        ctx,
        name=fields.pop("name", f"Sample {utc_now().timestamp()}-{len(fields)}-{id(fields)}"),
        user={"id": owner["_id"], "handle": owner["handle"]},
        **{**defaults, **fields},
    )


SHARING_RESTRICTED_BY_SETTING = {
    "id": "insufficient_rights",
    "message": "Sharing is restricted",
    "restricted_by": {"setting": "restrict_sharing"},
    "hint": "The server's restrict_sharing setting is on; an administrator can turn it off with "
    'PATCH /api/settings {"restrict_sharing": false}.',
}


async def make_group(ctx, name: str, restrict_sharing: bool = False) -> str:
    group = await insert_with_random_id(
        ctx.db.groups, {"name": name, "restrict_sharing": restrict_sharing, "created_at": utc_now()}
    )
    return group["_id"]


async def make_project(ctx, owner: dict[str, Any], members: list[dict[str, Any]]) -> str:
    project = await insert_with_random_id(
        ctx.db.projects,
        {
            "name": "Survey",
            "description": "",
            "owner": {"id": owner["_id"], "handle": owner["handle"]},
            "members": members,
            "created_at": utc_now(),
        },
    )
    return project["_id"]


def member(user: dict[str, Any], **permissions: bool) -> dict[str, Any]:
    return {
        "user_id": user["_id"],
        "can_add_files": False,
        "can_edit_metadata": False,
        "can_see_files": True,
        "can_administer": False,
        **permissions,
    }


# The rights truth table, through real requests: GET (read) and PATCH (write) x each visibility.


@pytest.fixture
async def world(ctx, factory, public_client):
    """An owner's samples, one per (rights configuration, visibility, in the project or not), in a group;
    and every kind of caller. `world(caller, configuration, in_project)` answers
    `{visibility: (GET status, PATCH status)}`.
    """
    lab = await make_group(ctx, "Lab")
    owner, owner_headers = await factory.person()
    people = {"owner": owner_headers}
    _, people["admin"] = await factory.person(administrator=True)
    _, people["group_member"] = await factory.person(groups=[lab])
    editor, people["project_editor"] = await factory.person()
    viewer, people["project_viewer"] = await factory.person()
    _, people["stranger"] = await factory.person()
    people["anonymous"] = {}
    project = await make_project(
        ctx,
        owner,
        [member(owner, can_edit_metadata=True), member(editor, can_edit_metadata=True), member(viewer)],
    )
    configurations = {
        "plain": {},
        "group_read": {"group_read": True},
        "group_write": {"group_write": True},
        "all_read": {"all_read": True},
        "all_write": {"all_write": True},
    }
    template = await stored_sample(ctx, factory, owner, name="template", group=lab)
    await ctx.db.samples.delete_one({"_id": template["_id"]})
    documents = []
    samples: dict[tuple[str, str, bool], str] = {}
    for name, flags in configurations.items():
        for visibility in VISIBILITIES:
            for in_project in (False, True):
                document = {
                    **template,
                    **flags,
                    "_id": f"{name}-{visibility}-{in_project}".replace(" ", "-"),
                    "name": f"{name} {visibility} {in_project}",
                    "visibility": visibility,
                    "project": project if in_project else None,
                }
                documents.append(document)
                samples[(name, visibility, in_project)] = document["_id"]
    # One insert for all: the embedded store commits each insert on its own.
    await ctx.db.samples.insert_many(documents)

    async def outcomes(
        caller: str, configuration: str, in_project: bool = False
    ) -> dict[str, tuple[int, int]]:
        headers = people[caller]
        table = {}
        for visibility in VISIBILITIES:
            sample_id = samples[(configuration, visibility, in_project)]
            read = await public_client.get(f"/api/samples/{sample_id}", headers=headers)
            write = await public_client.patch(
                f"/api/samples/{sample_id}", json={"notes": "x"}, headers=headers
            )
            for response in (read, write):
                body = await response.json()
                if response.status == 403:
                    assert body == INSUFFICIENT_RIGHTS
                if response.status == 401:
                    assert body == UNAUTHORIZED
            table[visibility] = (read.status, write.status)
        return table

    return outcomes


def everywhere(read: int, write: int) -> dict[str, tuple[int, int]]:
    return dict.fromkeys(VISIBILITIES, (read, write))


LINKED_ONLY = {
    "public": (200, 403),
    "shared": (200, 403),
    "private": (403, 403),
    "importing": (403, 403),
    "awaiting data": (403, 403),
}


async def test_rights_owner_reads_and_writes(world):
    for configuration in ("plain", "group_read", "all_read"):
        assert await world("owner", configuration) == everywhere(200, 200)


async def test_rights_administrator_reads_and_writes(world):
    assert await world("admin", "plain") == everywhere(200, 200)
    assert await world("admin", "plain", in_project=True) == everywhere(200, 200)


async def test_rights_group_member_without_group_rights_sees_only_public_and_shared(world):
    assert await world("group_member", "plain") == LINKED_ONLY


async def test_rights_group_member_with_group_read_reads(world):
    assert await world("group_member", "group_read") == everywhere(200, 403)


async def test_rights_group_member_with_group_write_reads_and_writes(world):
    assert await world("group_member", "group_write") == everywhere(200, 200)


async def test_rights_project_member_with_can_edit_metadata_reads_and_writes(world):
    assert await world("project_editor", "plain", in_project=True) == everywhere(200, 200)
    assert await world("project_editor", "plain", in_project=False) == LINKED_ONLY


async def test_rights_project_member_without_can_edit_metadata_reads(world):
    assert await world("project_viewer", "plain", in_project=True) == everywhere(200, 403)
    assert await world("project_viewer", "plain", in_project=False) == LINKED_ONLY


async def test_rights_stranger(world):
    assert await world("stranger", "plain") == LINKED_ONLY
    assert await world("stranger", "group_read") == LINKED_ONLY
    assert await world("stranger", "group_write") == LINKED_ONLY
    assert await world("stranger", "all_read") == everywhere(200, 403)
    assert await world("stranger", "all_write") == everywhere(200, 200)


async def test_rights_anonymous_gets_401(world):
    assert await world("anonymous", "all_write") == everywhere(401, 401)


# POST /samples


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


# GET /samples/{id}


async def test_get_sample(ctx, factory, public_client):
    owner, headers = await factory.person()
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    sample = await stored_sample(ctx, factory, owner, name="Grape 7", labels=[label["_id"]], tags=["t1"])
    response = await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["$uri"] == f"/api/samples/{sample['_id']}"
    assert body["id"] == sample["_id"] and body["name"] == "Grape 7"
    assert body["ready"] is True and body["status"] == "available"
    assert body["quality"] == QUALITY
    assert body["labels"] == [{"id": label["_id"], "name": "Ill", "color": "#FF0000", "description": ""}]
    assert body["tags"] == [{"$ref": "/api/tags/t1"}]
    assert body["owner"] == {"id": owner["_id"], "handle": owner["handle"]}
    for key in (
        "created_at",
        "updated_at",
        "error_msg",
        "filename",
        "metadata",
        "size",
        "visibility",
        "project",
    ):
        assert key in body


async def test_get_sample_not_found(factory, public_client):
    _, headers = await factory.person()
    response = await public_client.get("/api/samples/nosuch", headers=headers)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# GET /samples


async def test_find_samples_counts_only_what_the_caller_may_read(ctx, factory, public_client):
    owner, _ = await factory.person()
    caller, headers = await factory.person()
    for number in range(3):
        await stored_sample(ctx, factory, caller, name=f"Mine {number}")
    await stored_sample(ctx, factory, owner, name="Hidden")
    await stored_sample(ctx, factory, owner, name="Shared", visibility="shared")
    await stored_sample(ctx, factory, owner, name="Public", visibility="public")
    await stored_sample(ctx, factory, owner, name="Everyone's", all_read=True)

    response = await public_client.get("/api/samples?per_page=2&page=2", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["total_count"] == 5
    assert body["found_count"] == 5
    assert body["page"] == 2 and body["per_page"] == 2 and body["page_count"] == 3
    assert len(body["documents"]) == 2

    response = await public_client.get("/api/samples?find=mine&per_page=2", headers=headers)
    body = await response.json()
    assert (body["total_count"], body["found_count"], body["page_count"]) == (5, 3, 2)
    assert [document["name"] for document in body["documents"]] == ["Mine 2", "Mine 1"]

    response = await public_client.get("/api/samples?find=hidden", headers=headers)
    assert (await response.json())["found_count"] == 0


async def test_find_samples_newest_first_for_an_administrator(ctx, factory, public_client):
    owner, _ = await factory.person()
    _, headers = await factory.person(administrator=True)
    for name in ("First", "Second", "Third"):
        await stored_sample(ctx, factory, owner, name=name)
    body = await (await public_client.get("/api/samples", headers=headers)).json()
    assert [document["name"] for document in body["documents"]] == ["Third", "Second", "First"]
    assert (body["total_count"], body["found_count"], body["page_count"]) == (3, 3, 1)
    assert "reads" not in body["documents"][0]
    assert body["documents"][0]["owner"] == {"id": owner["_id"], "handle": owner["handle"]}


async def test_find_samples_escapes_regex_characters(ctx, factory, public_client):
    owner, headers = await factory.person()
    await stored_sample(ctx, factory, owner, name="Plot A.1 (north)")
    await stored_sample(ctx, factory, owner, name="Plot AX1 north")
    body = await (await public_client.get("/api/samples?find=a.1 (NORTH", headers=headers)).json()
    assert [document["name"] for document in body["documents"]] == ["Plot A.1 (north)"]
    body = await (await public_client.get("/api/samples?find=.*", headers=headers)).json()
    assert body["found_count"] == 0


async def test_find_samples_filters(ctx, factory, public_client):
    owner, headers = await factory.person()
    await stored_sample(
        ctx, factory, owner, name="Labelled", labels=["l1"], tags=["t1"], project="p1", visibility="public"
    )
    await stored_sample(
        ctx, factory, owner, name="Waiting", ready=False, status="awaiting_data", quality=None
    )

    async def names(query: str) -> list[str]:
        response = await public_client.get(f"/api/samples?{query}", headers=headers)
        assert response.status == 200, await response.text()
        return [document["name"] for document in (await response.json())["documents"]]

    assert await names("label=l1") == ["Labelled"]
    assert await names("tag=t1") == ["Labelled"]
    assert await names("project=p1") == ["Labelled"]
    assert await names("visibility=public") == ["Labelled"]
    assert await names("status=awaiting_data") == ["Waiting"]
    assert await names("ready=false") == ["Waiting"]
    assert await names("ready=true&label=l1") == ["Labelled"]
    assert await names("label=l2") == []


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "status=lost", "ready=maybe"])
async def test_find_samples_invalid_query(factory, public_client, query):
    _, headers = await factory.person()
    response = await public_client.get(f"/api/samples?{query}", headers=headers)
    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_query", "Invalid query")


async def test_find_samples_anonymous(public_client):
    response = await public_client.get("/api/samples")
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


# PATCH /samples/{id}


async def test_update_sample_fields(ctx, factory, public_client):
    owner, headers = await factory.person()
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    subtraction = await insert_with_random_id(ctx.db.subtractions, {"name": "Tomato genome"})
    sample = await stored_sample(ctx, factory, owner, name="Before")
    changes = {
        "name": "After",
        "host": "Tomato",
        "isolate": "A",
        "locale": "Field 3",
        "notes": "Leaf curl",
        "labels": [label["_id"]],
        "subtractions": [subtraction["_id"]],
        "visibility": "public",
    }
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=changes, headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert {key: body[key] for key in ("name", "host", "isolate", "locale", "notes", "visibility")} == {
        key: changes[key] for key in ("name", "host", "isolate", "locale", "notes", "visibility")
    }
    assert body["labels"][0]["id"] == label["_id"]
    assert body["subtractions"] == [{"id": subtraction["_id"], "name": "Tomato genome"}]
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["name"] == "After" and stored["labels"] == [label["_id"]]
    assert as_utc(stored["updated_at"]) > sample["updated_at"]


async def test_update_sample_project_and_tags_by_id_or_reference(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner, can_add_files=True)])
    tags = [
        (await insert_with_random_id(ctx.db.tags, {"name": name, "user": {}, "created_at": utc_now()}))["_id"]
        for name in ("a", "b")
    ]
    sample = await stored_sample(ctx, factory, owner, tags=[tags[0]])
    url = f"/api/samples/{sample['_id']}"

    body = await (
        await public_client.patch(
            url,
            json={
                "project": {"$ref": f"/api/projects/{project}"},
                "tags": [{"$ref": f"/api/tags/{tags[1]}"}],
            },
            headers=headers,
        )
    ).json()
    assert body["project"] == {"$ref": f"/api/projects/{project}"}
    assert body["tags"] == [{"$ref": f"/api/tags/{tags[1]}"}]

    response = await public_client.patch(url, json={"project": None, "tags": tags}, headers=headers)
    assert response.status == 200
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["project"] is None and stored["tags"] == tags

    response = await public_client.patch(url, json={"project": project, "tags": []}, headers=headers)
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["project"] == project and stored["tags"] == []


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        ({"ready": True}, "Unknown or read-only field: ready", "ready"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "Unknown or read-only field: created_at", "created_at"),
        ({"owner": {"id": "x"}}, "Unknown or read-only field: owner", "owner"),
        ({"colour": "red"}, "Unknown or read-only field: colour", "colour"),
        ({"visibility": "secret"}, "Invalid value for field: visibility", "visibility"),
        ({"visibility": None}, "Invalid value for field: visibility", "visibility"),
        ({"project": "p" * 17}, "Invalid value for field: project", None),
        ({"project": {"$ref": "/api/tags/a"}}, "Invalid value for field: project", "project"),
        ({"project": {"id": "a"}}, "Invalid value for field: project", None),
        ({"project": 7}, "Invalid value for field: project", None),
        ({"tags": "a"}, "Invalid value for field: tags", "tags"),
        ({"tags": [None]}, "Invalid value for field: tags", None),
        ({"tags": [{"$ref": "/api/projects/a"}]}, "Invalid value for field: tags", "tags.0"),
        ({"name": ""}, "Invalid value for field: name", "name"),
        ({"name": None}, "Invalid value for field: name", "name"),
        ({"name": "n" * 257}, "Invalid value for field: name", "name"),
        ({"labels": "l1"}, "Invalid value for field: labels", "labels"),
        ({"notes": 5}, "Invalid value for field: notes", "notes"),
    ],
)
async def test_update_sample_invalid_input(ctx, factory, public_client, body, message, field):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner, name="Unchanged")
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=body, headers=headers)
    assert response.status == 422
    answer = await response.json()
    assert (answer["id"], answer["message"]) == ("invalid_input", message)
    if field is not None:
        assert field in answer["errors"]
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["name"] == "Unchanged"
    assert as_utc(stored["updated_at"]) == sample["updated_at"]


async def test_update_sample_with_invalid_json(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}",
        data=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=["name"], headers=headers)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid value for field: body"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"labels": ["nolabel"]}, "Labels do not exist: nolabel"),
        ({"subtractions": ["nosub"]}, "Subtractions do not exist: nosub"),
        ({"tags": ["notag"]}, "Tags do not exist: notag"),
        ({"project": "noproject"}, "Project does not exist"),
        ({"project": {"$ref": "/api/projects/noproject"}}, "Project does not exist"),
    ],
)
async def test_update_sample_with_missing_reference(ctx, factory, public_client, body, message):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=body, headers=headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": message}


async def test_update_sample_name_in_use(ctx, factory, public_client):
    owner, headers = await factory.person()
    await stored_sample(ctx, factory, owner, name="Taken")
    sample = await stored_sample(ctx, factory, owner, name="Free")
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"name": "Taken"}, headers=headers
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Sample name is already in use"}


async def test_update_sample_into_a_project_needs_add_permission(ctx, factory, public_client):
    owner, headers = await factory.person()
    other, _ = await factory.person()
    closed = await make_project(ctx, other, [member(owner, can_edit_metadata=True)])
    open_ = await make_project(ctx, other, [member(owner, can_add_files=True)])
    managed = await make_project(ctx, other, [member(owner, can_administer=True)])
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}"

    response = await public_client.patch(url, json={"project": closed}, headers=headers)
    assert response.status == 403
    assert await response.json() == {
        "id": "insufficient_rights",
        "message": "Insufficient rights to add samples to this project",
    }
    assert (await public_client.patch(url, json={"project": open_}, headers=headers)).status == 200
    assert (await public_client.patch(url, json={"project": managed}, headers=headers)).status == 200
    _, admin = await factory.person(administrator=True)
    assert (await public_client.patch(url, json={"project": closed}, headers=admin)).status == 200


async def test_update_visibility_refused_by_the_server_setting(ctx, factory, public_client):
    owner, headers = await factory.person()
    _, admin = await factory.person(administrator=True)
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}"
    assert (
        await public_client.patch("/api/settings", json={"restrict_sharing": True}, headers=admin)
    ).status == 200
    for visibility in ("shared", "public"):
        for caller in (headers, admin):
            response = await public_client.patch(url, json={"visibility": visibility}, headers=caller)
            assert response.status == 403
            assert await response.json() == SHARING_RESTRICTED_BY_SETTING
    assert (await public_client.patch(url, json={"visibility": "importing"}, headers=headers)).status == 200
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["visibility"] == "importing"


async def test_update_visibility_refused_by_the_owners_group(ctx, factory, public_client):
    restricted = await make_group(ctx, "Clinic", restrict_sharing=True)
    owner, headers = await factory.person(groups=[restricted])
    sample = await stored_sample(ctx, factory, owner)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"visibility": "public"}, headers=headers
    )
    assert response.status == 403
    # Which group restricts it, and who can lift the restriction.
    assert await response.json() == {
        "id": "insufficient_rights",
        "message": "Sharing is restricted",
        "restricted_by": {"group": {"id": restricted, "name": "Clinic"}},
        "hint": "The sample's owner is in group 'Clinic', which restricts sharing; an administrator can "
        f'change that: PATCH /api/groups/{restricted} {{"restrict_sharing": false}}.',
    }

    free, headers = await factory.person(groups=[await make_group(ctx, "Open")])
    sample = await stored_sample(ctx, factory, free)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"visibility": "public"}, headers=headers
    )
    assert response.status == 200


async def test_update_sample_not_found(factory, public_client):
    _, headers = await factory.person()
    response = await public_client.patch("/api/samples/nosuch", json={"notes": "x"}, headers=headers)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# PATCH /samples/{id}/rights


async def test_update_rights_by_owner_and_administrator(ctx, factory, public_client):
    owner, headers = await factory.person()
    _, admin = await factory.person(administrator=True)
    group = await make_group(ctx, "Lab")
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}/rights"
    rights = {"group": group, "group_read": True, "group_write": True, "all_read": True, "all_write": False}
    response = await public_client.patch(url, json=rights, headers=headers)
    assert response.status == 200, await response.text()
    assert await response.json() == rights
    response = await public_client.patch(url, json={"group": None, "all_read": False}, headers=admin)
    assert await response.json() == {**rights, "group": None, "all_read": False}
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert (stored["group"], stored["group_write"], stored["all_read"]) == (None, True, False)


async def test_update_rights_refused_to_writers_who_do_not_own(ctx, factory, public_client):
    group = await make_group(ctx, "Lab")
    owner, _ = await factory.person()
    _, writer = await factory.person(groups=[group])
    sample = await stored_sample(ctx, factory, owner, group=group, group_read=True, group_write=True)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}/rights", json={"all_read": True}, headers=writer
    )
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_update_rights_invalid(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}/rights"
    response = await public_client.patch(url, json={"group": "nogroup"}, headers=headers)
    assert await response.json() == {"id": "bad_request", "message": "Group does not exist"}
    response = await public_client.patch(url, json={"all_read": "yes"}, headers=headers)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid value for field: all_read"
    response = await public_client.patch(url, json={"visibility": "public"}, headers=headers)
    assert (await response.json())["message"] == "Unknown or read-only field: visibility"
    response = await public_client.patch("/api/samples/nosuch/rights", json={}, headers=headers)
    assert response.status == 404


# DELETE /samples/{id}


async def test_remove_sample_with_analyses_files_and_records(ctx, factory, public_client, jobs_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    from virtool_api.samples.files import store_reads

    async def chunks():
        yield FASTQ_GZ

    await store_reads(ctx, sample["_id"], "reads_1.fq.gz", chunks())
    analysis = await factory.analysis(sample)
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/analyses/{analysis['_id']}/files?name=results.fa&format=fasta",
        data=multipart_file(b">a\nACGT\n"),
        headers=auth,
    )
    assert response.status == 201
    analysis_file = ctx.files.analysis_file_path((await response.json())["name_on_disk"])
    assert analysis_file.is_file() and ctx.files.sample_dir(sample["_id"]).is_dir()

    response = await public_client.delete(f"/api/samples/{sample['_id']}", headers=headers)
    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await ctx.db.analyses.count_documents({"sample.id": sample["_id"]}) == 0
    async with ctx.sessions() as session:
        assert (await session.scalars(select(SampleReads))).all() == []
        assert (await session.scalars(select(AnalysisFile))).all() == []
    assert not analysis_file.exists()
    assert not ctx.files.sample_dir(sample["_id"]).exists()


async def test_remove_sample_being_created_is_409(ctx, factory, public_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    response = await public_client.delete(f"/api/samples/{body['id']}", headers=headers)
    assert response.status == 409
    # It names the job and how to cancel it; once cancelled, the sample can go.
    job_id = body["job"]["id"]
    assert await response.json() == {
        "id": "conflict",
        "message": "Sample is still being created",
        "job": {"id": job_id, "state": "waiting"},
        "hint": f"Its create_sample job {job_id} is waiting: cancel it first "
        f"(PUT /api/jobs/{job_id}/cancel), then remove the sample.",
    }
    assert await ctx.db.samples.find_one({"_id": body["id"]}) is not None
    assert (await public_client.put(f"/api/jobs/{job_id}/cancel", headers=headers)).status == 200
    assert (await public_client.delete(f"/api/samples/{body['id']}", headers=headers)).status == 204


async def test_remove_sample_whose_creation_failed_releases_its_uploads(
    ctx, factory, public_client, jobs_client
):
    _, headers = await factory.person()
    uploaded = await upload(public_client, headers)
    body = await (await create(public_client, headers, files=[uploaded["id"]])).json()
    auth = await acquire(jobs_client, body["job"]["id"])
    response = await jobs_client.post(
        f"/api/jobs/{body['job']['id']}/status",
        json={"state": "error", "progress": 10, "error": {"type": "ValueError", "details": ["bad reads"]}},
        headers=auth,
    )
    assert response.status == 201, await response.text()

    response = await public_client.delete(f"/api/samples/{body['id']}", headers=headers)
    assert response.status == 204
    async with ctx.sessions() as session:
        assert (await session.get(Upload, uploaded["id"])).reserved is False


async def test_remove_sample_rights(ctx, factory, public_client):
    owner, _ = await factory.person()
    _, stranger = await factory.person()
    sample = await stored_sample(ctx, factory, owner, all_read=True)
    response = await public_client.delete(f"/api/samples/{sample['_id']}", headers=stranger)
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    response = await public_client.delete("/api/samples/nosuch", headers=stranger)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# Status follows the create-sample job


async def test_status_follows_the_create_sample_job(ctx, factory, public_client, jobs_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    sample_url, job_id = f"/api/samples/{body['id']}", body["job"]["id"]

    async def status() -> str:
        return (await (await public_client.get(sample_url, headers=headers)).json())["status"]

    assert await status() == "awaiting_data"
    auth = await acquire(jobs_client, job_id)
    # Acquiring moves the job to `preparing`: the sample is being imported from then on.
    assert await status() == "importing"
    response = await jobs_client.post(
        f"/api/jobs/{job_id}/status", json={"state": "running", "progress": 20}, headers=auth
    )
    assert response.status == 201, await response.text()
    assert await status() == "importing"

    response = await jobs_client.put(
        f"/api/samples/{body['id']}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201
    response = await jobs_client.patch(sample_url, json={"quality": QUALITY}, headers=auth)
    assert response.status == 200
    assert await status() == "available"


async def test_status_failed_validation_when_the_job_errs(ctx, factory, public_client, jobs_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    job_id = body["job"]["id"]
    auth = await acquire(jobs_client, job_id)
    await jobs_client.post(
        f"/api/jobs/{job_id}/status", json={"state": "running", "progress": 5}, headers=auth
    )
    assert (await ctx.db.samples.find_one({"_id": body["id"]}))["status"] == "importing"
    response = await jobs_client.post(
        f"/api/jobs/{job_id}/status",
        json={"state": "error", "progress": 10, "error": {"type": "ValueError", "details": ["not FASTQ"]}},
        headers=auth,
    )
    assert response.status == 201
    sample = await (await public_client.get(f"/api/samples/{body['id']}", headers=headers)).json()
    assert sample["status"] == "failed_validation"
    assert sample["error_msg"] == "ValueError: not FASTQ"
    assert sample["ready"] is False


async def test_status_failed_validation_when_the_import_is_cancelled(ctx, factory, public_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    response = await public_client.put(f"/api/jobs/{body['job']['id']}/cancel", headers=headers)
    assert response.status == 200, await response.text()
    sample = await (await public_client.get(f"/api/samples/{body['id']}", headers=headers)).json()
    assert (sample["status"], sample["error_msg"]) == ("failed_validation", "The import was cancelled")


async def test_status_failed_validation_when_the_import_job_times_out(
    ctx, factory, public_client, jobs_client
):
    from datetime import timedelta

    from virtool_api.jobs.service import time_out_stale_jobs
    from virtool_api.utils import utc_now

    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    await acquire(jobs_client, body["job"]["id"])
    later = utc_now() + timedelta(seconds=ctx.config.job_ping_timeout + 1)
    assert await time_out_stale_jobs(ctx, now=later) == 1
    sample = await (await public_client.get(f"/api/samples/{body['id']}", headers=headers)).json()
    assert (sample["status"], sample["error_msg"]) == (
        "failed_validation",
        "The import job stopped responding",
    )
