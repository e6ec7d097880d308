"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`): One Codex's wire format, by plain HTTP.

`tests/onecodex/test_onecodex_client.py` drives the same routes with One Codex's own client.
"""

import base64
import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import basic_auth
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from virtool_api.samples.service import create_sample
from virtool_api.server.app import create_public_app
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import as_utc, utc_now

UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": PUBLIC_CREDENTIALS_HINT,
}


async def stored_sample(ctx, owner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A finalized private sample of `owner` that nobody else may read unless `fields` say so."""
    defaults = {
        "ready": True,
        "status": "available",
        "all_read": False,
        "all_write": False,
        "group_read": False,
        "group_write": False,
        "filename": "reads.fq.gz",
        "size": 1234,
    }
    return await create_sample(
        ctx,
        name=fields.pop("name", f"Sample {utc_now().isoformat()}"),
        user={"id": owner["_id"], "handle": owner["handle"]},
        **{**defaults, **fields},
    )


async def make_project(
    ctx, owner: dict[str, Any], members: list[dict[str, Any]], name: str = "Survey"
) -> str:
    project = await insert_with_random_id(
        ctx.db.projects,
        {
            "name": name,
            "description": "Grapevine survey",
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


async def make_tag(ctx, owner: dict[str, Any], name: str) -> str:
    tag = await insert_with_random_id(
        ctx.db.tags,
        {"name": name, "user": {"id": owner["_id"], "handle": owner["handle"]}, "created_at": utc_now()},
    )
    return tag["_id"]


def listing(where: dict[str, Any] | None = None, **params: Any) -> dict[str, str]:
    query = {key: str(value) for key, value in params.items()}
    if where is not None:
        query["where"] = json.dumps(where)
    return query


async def ids_of(response) -> list[str]:
    assert response.status == 200, await response.text()
    return [sample["$uri"].rsplit("/", 1)[1] for sample in await response.json()]


# Reading a sample


async def test_get_sample_in_one_codex_shape(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner)])
    tag = await make_tag(ctx, owner, "grapevine")
    sample = await stored_sample(ctx, owner, project=project, tags=[tag], metadata={"name": "Vine 7"})

    response = await public_client.get(f"/api/v1/samples/{sample['_id']}", headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body == {
        "$uri": f"/api/v1/samples/{sample['_id']}",
        "created_at": as_utc(sample["created_at"]).isoformat(),
        "updated_at": as_utc(sample["updated_at"]).isoformat(),
        "status": "available",
        "visibility": "private",
        "filename": "reads.fq.gz",
        "size": 1234,
        "error_msg": None,
        "owner": {"$ref": f"/api/v1/users/{owner['_id']}"},
        "metadata": {"$ref": f"/api/v1/metadata/{sample['_id']}"},
        "primary_classification": None,
        "project": {"$ref": f"/api/v1/projects/{project}"},
        "tags": [{"$ref": f"/api/v1/tags/{tag}"}],
    }
    assert body["created_at"].endswith("+00:00")
    assert datetime.fromisoformat(body["created_at"]) == as_utc(sample["created_at"])


async def test_get_sample_with_expand_all_embeds_tags_and_metadata(ctx, factory, public_client):
    owner, headers = await factory.person()
    tag = await make_tag(ctx, owner, "grapevine")
    sample = await stored_sample(ctx, owner, tags=[tag], metadata={"name": "Vine 7", "custom": {"row": 3}})

    response = await public_client.get(f"/api/v1/samples/{sample['_id']}?expand=all", headers=headers)
    body = await response.json()
    assert body["tags"] == [{"$uri": f"/api/v1/tags/{tag}", "name": "grapevine"}]
    assert body["metadata"] == {
        "$uri": f"/api/v1/metadata/{sample['_id']}",
        "sample": {"$ref": f"/api/v1/samples/{sample['_id']}"},
        "name": "Vine 7",
        "custom": {"row": 3},
        "starred": False,
    }
    assert body["owner"] == {"$ref": f"/api/v1/users/{owner['_id']}"}


async def test_updated_at_is_never_null(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    await ctx.db.samples.update_one({"_id": sample["_id"]}, {"$set": {"updated_at": None}})
    body = await (await public_client.get(f"/api/v1/samples/{sample['_id']}", headers=headers)).json()
    assert body["updated_at"] == body["created_at"]


async def test_a_sample_the_caller_may_not_read_is_404_one_they_may_not_change_is_403(
    ctx, factory, public_client
):
    owner, _ = await factory.person()
    _, stranger = await factory.person()
    private = await stored_sample(ctx, owner)
    public = await stored_sample(ctx, owner, visibility="public")

    for method in ("GET", "PATCH", "DELETE"):
        response = await public_client.request(
            method, f"/api/v1/samples/{private['_id']}", json={"visibility": "public"}, headers=stranger
        )
        assert (response.status, await response.json()) == (404, NOT_FOUND), method
    response = await public_client.get(f"/api/v1/metadata/{private['_id']}", headers=stranger)
    assert (response.status, await response.json()) == (404, NOT_FOUND)
    # `/api` tells the same caller 403 for the same sample: one rule, two conventions.
    assert (await public_client.get(f"/api/samples/{private['_id']}", headers=stranger)).status == 403

    assert (await public_client.get(f"/api/v1/samples/{public['_id']}", headers=stranger)).status == 200
    for method, path, body in (
        ("PATCH", "samples", {"visibility": "private"}),
        ("DELETE", "samples", None),
        ("PATCH", "metadata", {"name": "mine"}),
    ):
        response = await public_client.request(
            method, f"/api/v1/{path}/{public['_id']}", json=body, headers=stranger
        )
        assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS), (method, path)
    stored = await ctx.db.samples.find_one({"_id": public["_id"]})
    assert stored["visibility"] == "public" and stored["metadata"] == {}


async def test_unknown_sample_is_404(factory, public_client):
    _, headers = await factory.person()
    response = await public_client.get("/api/v1/samples/nosample", headers=headers)
    assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_credentials_as_one_codex_sends_them(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    url = f"/api/v1/samples/{sample['_id']}"

    response = await public_client.get(url)
    assert (response.status, await response.json()) == (401, UNAUTHORIZED)
    assert (await public_client.get(url, headers=basic_auth(headers["X-API-Key"], ""))).status == 200
    assert (await public_client.get(url, headers=basic_auth("wrong", ""))).status == 401


# Changing a sample: the specification's PATCH


async def test_update_visibility_project_and_tags(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner, can_add_files=True)])
    first, second = await make_tag(ctx, owner, "first"), await make_tag(ctx, owner, "second")
    sample = await stored_sample(ctx, owner, tags=[first])

    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}",
        json={
            "visibility": "shared",
            "project": {"$ref": f"/api/v1/projects/{project}"},
            "tags": [{"$ref": f"/api/v1/tags/{second}"}, first],
        },
        headers=headers,
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["visibility"] == "shared"
    assert body["project"] == {"$ref": f"/api/v1/projects/{project}"}
    assert body["tags"] == [
        {"$uri": f"/api/v1/tags/{second}", "name": "second"},
        {"$uri": f"/api/v1/tags/{first}", "name": "first"},
    ]
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert (stored["visibility"], stored["project"], stored["tags"]) == ("shared", project, [second, first])
    assert as_utc(stored["updated_at"]) > sample["updated_at"]

    # Virtool's own path shows the same change, in its references.
    virtool = await (await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)).json()
    assert virtool["project"] == {"$ref": f"/api/projects/{project}"}
    assert virtool["visibility"] == "shared"

    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}", json={"project": None, "tags": []}, headers=headers
    )
    body = await response.json()
    assert (body["project"], body["tags"], body["visibility"]) == (None, [], "shared")


async def test_update_project_by_id_and_by_virtool_reference(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner, can_add_files=True)])
    sample = await stored_sample(ctx, owner)
    url = f"/api/v1/samples/{sample['_id']}"

    for value in (project, {"$ref": f"/api/projects/{project}"}):
        await public_client.patch(url, json={"project": None}, headers=headers)
        response = await public_client.patch(url, json={"project": value}, headers=headers)
        assert response.status == 200, await response.text()
        assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["project"] == project


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"visibility": "secret"}, "Invalid value for field: visibility"),
        ({"visibility": "Public"}, "Invalid value for field: visibility"),
        ({"visibility": None}, "Invalid value for field: visibility"),
        ({"project": "p" * 17}, "Invalid value for field: project"),
        ({"tags": ["t" * 17]}, "Invalid value for field: tags"),
        ({"project": {"$ref": "/api/v1/tags/abc"}}, "Invalid value for field: project"),
        ({"project": {"$ref": "/api/v1/samples/abc"}}, "Invalid value for field: project"),
        ({"tags": [{"$ref": "/api/v1/projects/abc"}]}, "Invalid value for field: tags"),
        ({"tags": [{"$ref": "/api/v1/users/abc"}]}, "Invalid value for field: tags"),
        ({"project": {"$ref": "/api/v1/projects/abc", "name": "x"}}, "Invalid value for field: project"),
        ({"tags": None}, "Invalid value for field: tags"),
        ({"tags": "abc"}, "Invalid value for field: tags"),
        ({"created_at": "2020-01-01T00:00:00+00:00"}, "Unknown or read-only field: created_at"),
        ({"updated_at": "2020-01-01T00:00:00+00:00"}, "Unknown or read-only field: updated_at"),
        ({"$uri": "/api/v1/samples/x"}, "Unknown or read-only field: $uri"),
        ({"owner": {"$ref": "/api/v1/users/x"}}, "Unknown or read-only field: owner"),
        ({"status": "available"}, "Unknown or read-only field: status"),
        ({"filename": "other.fq.gz"}, "Unknown or read-only field: filename"),
        ({"size": 1}, "Unknown or read-only field: size"),
        ({"error_msg": None}, "Unknown or read-only field: error_msg"),
        ({"metadata": {"$ref": "/api/v1/metadata/x"}}, "Unknown or read-only field: metadata"),
        ({"primary_classification": None}, "Unknown or read-only field: primary_classification"),
        ({"name": "Renamed"}, "Unknown or read-only field: name"),
    ],
)
async def test_update_sample_refuses_what_the_specification_does_not_allow(
    ctx, factory, public_client, body, message
):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    response = await public_client.patch(f"/api/v1/samples/{sample['_id']}", json=body, headers=headers)
    assert response.status == 400
    answer = await response.json()
    assert (answer["id"], answer["message"]) == ("bad_request", message)
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert as_utc(stored["updated_at"]) == sample["updated_at"]
    assert (stored["visibility"], stored["project"], stored["tags"]) == ("private", None, [])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"project": "noproject"}, "Project does not exist"),
        ({"project": {"$ref": "/api/v1/projects/noproject"}}, "Project does not exist"),
        ({"tags": [{"$ref": "/api/v1/tags/notag"}]}, "Tags do not exist: notag"),
    ],
)
async def test_update_sample_with_missing_reference(ctx, factory, public_client, body, message):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    response = await public_client.patch(f"/api/v1/samples/{sample['_id']}", json=body, headers=headers)
    assert (response.status, await response.json()) == (400, {"id": "bad_request", "message": message})


async def test_update_sample_into_a_project_needs_its_add_permission(ctx, factory, public_client):
    owner, headers = await factory.person()
    other, _ = await factory.person()
    project = await make_project(ctx, other, [member(other), member(owner, can_add_files=False)])
    sample = await stored_sample(ctx, owner)
    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}",
        json={"project": {"$ref": f"/api/v1/projects/{project}"}},
        headers=headers,
    )
    assert response.status == 403
    assert (await response.json())["message"] == "Insufficient rights to add samples to this project"
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["project"] is None


async def test_sharing_restriction_applies_to_one_codex_too(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    await ctx.db.settings.update_one({"_id": "server"}, {"$set": {"restrict_sharing": True}}, upsert=True)
    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}", json={"visibility": "public"}, headers=headers
    )
    assert (response.status, (await response.json())["message"]) == (403, "Sharing is restricted")
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["visibility"] == "private"


async def test_project_member_with_edit_permission_may_change_sharing(ctx, factory, public_client):
    owner, _ = await factory.person()
    editor, editor_headers = await factory.person()
    viewer, viewer_headers = await factory.person()
    project = await make_project(
        ctx, owner, [member(owner), member(editor, can_edit_metadata=True), member(viewer)]
    )
    sample = await stored_sample(ctx, owner, project=project)
    url = f"/api/v1/samples/{sample['_id']}"

    assert (
        await public_client.patch(url, json={"visibility": "shared"}, headers=viewer_headers)
    ).status == 403
    response = await public_client.patch(url, json={"visibility": "shared"}, headers=editor_headers)
    assert response.status == 200, await response.text()


async def test_remove_sample(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    response = await public_client.delete(f"/api/v1/samples/{sample['_id']}", headers=headers)
    assert response.status == 204
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert (await public_client.get(f"/api/v1/samples/{sample['_id']}", headers=headers)).status == 404
    assert (await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)).status == 404


async def test_remove_sample_being_created_is_409(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner, ready=False, status="importing")
    job = await factory.create_sample_job(sample)
    assert job["state"] == "waiting"
    response = await public_client.delete(f"/api/v1/samples/{sample['_id']}", headers=headers)
    assert (response.status, (await response.json())["message"]) == (409, "Sample is still being created")


# Listing samples


async def test_list_samples_the_caller_may_read_with_the_total_count(ctx, factory, public_client):
    owner, owner_headers = await factory.person()
    _, stranger = await factory.person()
    private = await stored_sample(ctx, owner)
    shared = await stored_sample(ctx, owner, visibility="shared")
    public = await stored_sample(ctx, owner, visibility="public")

    response = await public_client.get("/api/v1/samples", headers=owner_headers)
    assert await ids_of(response) == [public["_id"], shared["_id"], private["_id"]]
    assert response.headers["X-Total-Count"] == "3"

    # Shared means "anyone with the id", not "listed".
    response = await public_client.get("/api/v1/samples", headers=stranger)
    assert await ids_of(response) == [public["_id"]]
    assert response.headers["X-Total-Count"] == "1"


async def test_list_samples_filters(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner)])
    grape, tomato = await make_tag(ctx, owner, "grape"), await make_tag(ctx, owner, "tomato")
    both = await stored_sample(ctx, owner, project=project, tags=[grape, tomato])
    grape_only = await stored_sample(ctx, owner, tags=[grape], visibility="public")
    neither = await stored_sample(ctx, owner)

    async def found(where: dict[str, Any]) -> set[str]:
        return set(
            await ids_of(await public_client.get("/api/v1/samples", params=listing(where), headers=headers))
        )

    assert await found({"project": project}) == {both["_id"]}
    assert await found({"project": {"$ref": f"/api/v1/projects/{project}"}}) == {both["_id"]}
    assert await found({"project": None}) == {grape_only["_id"], neither["_id"]}
    assert await found({"tags": {"$containsall": [{"$ref": f"/api/v1/tags/{grape}"}]}}) == {
        both["_id"],
        grape_only["_id"],
    }
    assert await found(
        {"tags": {"$containsall": [{"$ref": f"/api/v1/tags/{grape}"}, {"$ref": f"/api/v1/tags/{tomato}"}]}}
    ) == {both["_id"]}
    assert await found({"visibility": "public"}) == {grape_only["_id"]}
    assert await found({"visibility": {"$in": ["public", "private"]}}) == {
        both["_id"],
        grape_only["_id"],
        neither["_id"],
    }
    uris = [f"/api/v1/samples/{both['_id']}", f"/api/v1/samples/{neither['_id']}"]
    assert await found({"$uri": {"$in": uris}}) == {both["_id"], neither["_id"]}
    assert await found({"project": project, "visibility": "public"}) == set()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (listing({"owner": {"$ref": "/api/v1/users/x"}}), "Unsupported filter: owner"),
        (listing({"filename": {"$icontains": "x"}}), "Unsupported filter: filename"),
        (listing({"tags": {"$in": ["a"]}}), "Unsupported operator for filter tags: $in"),
        (listing({"visibility": "secret"}), "Invalid value for filter: visibility"),
        (listing({"project": {"$ref": "/api/v1/tags/x"}}), "Invalid value for filter: project"),
        (listing({"project": 5}), "Invalid value for filter: project"),
        ({"where": "{not json"}, "Invalid JSON in where"),
        ({"where": "[]"}, "Invalid JSON in where"),
        ({"sort": json.dumps({"filename": True})}, "Unsupported sort: filename"),
        ({"sort": json.dumps({"created_at": "up"})}, "Invalid value for sort: created_at"),
        ({"cursor": "not-a-cursor"}, "Invalid cursor"),
    ],
)
async def test_list_samples_refuses_what_it_does_not_understand(factory, public_client, params, message):
    _, headers = await factory.person()
    response = await public_client.get(
        "/api/v1/samples", params=params, headers={**headers, "X-Pagination-Style": "cursor"}
    )
    assert (response.status, await response.json()) == (400, {"id": "bad_request", "message": message})


async def test_list_samples_sorted_by_created_at_either_way(ctx, factory, public_client):
    owner, headers = await factory.person()
    samples = [await stored_sample(ctx, owner) for _ in range(3)]
    newest_first = [sample["_id"] for sample in reversed(samples)]

    for sort, expected in (("{}", newest_first), ('{"created_at": true}', newest_first)):
        response = await public_client.get("/api/v1/samples", params={"sort": sort}, headers=headers)
        assert await ids_of(response) == expected
    response = await public_client.get(
        "/api/v1/samples", params={"sort": '{"created_at": false}'}, headers=headers
    )
    assert await ids_of(response) == newest_first[::-1]


async def follow_cursor(client, headers: dict[str, str], params: dict[str, str]) -> list[list[str]]:
    """Every page, following `X-Next-Cursor` (at most 20: a cursor that never ends fails, not hangs)."""
    pages: list[list[str]] = []
    cursor = None
    for _ in range(20):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(
            "/api/v1/samples", params=query, headers={**headers, "X-Pagination-Style": "cursor"}
        )
        pages.append(await ids_of(response))
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            return pages
    raise AssertionError(f"the cursor never ended: {pages}")


async def test_cursor_pages_cover_every_sample_once_even_with_equal_timestamps(ctx, factory, public_client):
    owner, headers = await factory.person()
    at = utc_now()
    template = await stored_sample(ctx, owner, name="template")
    await ctx.db.samples.delete_one({"_id": template["_id"]})
    # Seven samples, four of them created in the same millisecond: the id breaks the tie.
    await ctx.db.samples.insert_many(
        [
            {
                **template,
                "_id": f"s{n}",
                "name": f"s{n}",
                "created_at": at + timedelta(milliseconds=min(n, 3)),
            }
            for n in range(7)
        ]
    )
    for sort, order in (("{}", ["s6", "s5", "s4", "s3", "s2", "s1", "s0"]), ('{"created_at": false}', None)):
        pages = await follow_cursor(public_client, headers, {"per_page": "3", "sort": sort})
        assert [len(page) for page in pages] == [3, 3, 1]
        flat = [sample_id for page in pages for sample_id in page]
        assert flat == (order or ["s0", "s1", "s2", "s3", "s4", "s5", "s6"])


async def test_cursor_pages_are_stable_while_samples_are_added(ctx, factory, public_client):
    owner, headers = await factory.person()
    existing = [(await stored_sample(ctx, owner))["_id"] for _ in range(5)]
    cursor_headers = {**headers, "X-Pagination-Style": "cursor"}

    first = await public_client.get("/api/v1/samples", params={"per_page": "2"}, headers=cursor_headers)
    seen = await ids_of(first)
    cursor = first.headers["X-Next-Cursor"]
    # New samples arrive between pages; an offset would now repeat the first page's samples.
    added = [(await stored_sample(ctx, owner))["_id"] for _ in range(3)]
    for _ in range(10):
        if not cursor:
            break
        response = await public_client.get(
            "/api/v1/samples", params={"per_page": "2", "cursor": cursor}, headers=cursor_headers
        )
        seen += await ids_of(response)
        cursor = response.headers.get("X-Next-Cursor")
    assert seen == existing[::-1]
    assert response.headers["X-Total-Count"] == str(len(existing) + len(added))


async def test_page_style_listing_without_the_cursor_header(ctx, factory, public_client):
    owner, headers = await factory.person()
    samples = [(await stored_sample(ctx, owner))["_id"] for _ in range(3)]
    response = await public_client.get(
        "/api/v1/samples", params={"per_page": "2", "page": "2"}, headers=headers
    )
    assert await ids_of(response) == [samples[0]]
    assert response.headers["X-Total-Count"] == "3"
    assert "X-Next-Cursor" not in response.headers


async def test_last_cursor_page_has_no_next_cursor(ctx, factory, public_client):
    owner, headers = await factory.person()
    for _ in range(2):
        await stored_sample(ctx, owner)
    pages = await follow_cursor(public_client, headers, {"per_page": "2"})
    assert [len(page) for page in pages] == [2]


async def test_public_listing(ctx, factory, public_client):
    owner, _ = await factory.person()
    reader, reader_headers = await factory.person()
    public = await stored_sample(ctx, owner, visibility="public")
    await stored_sample(ctx, owner, visibility="shared")
    await stored_sample(ctx, owner, all_read=True)
    own = await stored_sample(ctx, reader)

    response = await public_client.get(
        "/api/v1/samples/public", headers={**reader_headers, "X-Pagination-Style": "cursor"}
    )
    assert await ids_of(response) == [public["_id"]]
    assert response.headers["X-Total-Count"] == "1"
    response = await public_client.get("/api/v1/samples", headers=reader_headers)
    assert set(await ids_of(response)) == {public["_id"], own["_id"]} | {
        sample["_id"] async for sample in ctx.db.samples.find({"all_read": True})
    }


async def test_listing_embeds_with_expand_all(ctx, factory, public_client):
    owner, headers = await factory.person()
    tag = await make_tag(ctx, owner, "grape")
    await stored_sample(ctx, owner, tags=[tag])
    response = await public_client.get("/api/v1/samples", params={"expand": "all"}, headers=headers)
    (body,) = await response.json()
    assert body["tags"] == [{"$uri": f"/api/v1/tags/{tag}", "name": "grape"}]
    assert body["metadata"]["$uri"].startswith("/api/v1/metadata/")


async def test_listing_with_a_cursor_of_another_shape_is_400(factory, public_client):
    _, headers = await factory.person()
    for position in ([1, 2], ["not a date", "x"], ["2024-01-01T00:00:00+00:00", 5], {"a": 1}):
        cursor = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
        response = await public_client.get(
            "/api/v1/samples", params={"cursor": cursor}, headers={**headers, "X-Pagination-Style": "cursor"}
        )
        assert (response.status, (await response.json())["message"]) == (400, "Invalid cursor"), position


async def test_listing_per_page_and_expand_bounds(factory, public_client):
    _, headers = await factory.person()
    for params in ({"per_page": "0"}, {"per_page": "101"}, {"per_page": "x"}, {"expand": "owner"}):
        response = await public_client.get("/api/v1/samples", params=params, headers=headers)
        assert response.status == 422, params
        assert list((await response.json())["errors"]) == list(params)


async def test_a_cursor_without_the_header_still_continues_after_it(ctx, factory, public_client):
    owner, headers = await factory.person()
    samples = [(await stored_sample(ctx, owner))["_id"] for _ in range(3)]
    first = await public_client.get(
        "/api/v1/samples", params={"per_page": "2"}, headers={**headers, "X-Pagination-Style": "cursor"}
    )
    cursor = first.headers["X-Next-Cursor"]
    response = await public_client.get(
        "/api/v1/samples", params={"per_page": "2", "cursor": cursor}, headers=headers
    )
    assert await ids_of(response) == [samples[0]]
    assert "X-Next-Cursor" not in response.headers


# Metadata


async def test_metadata_record_is_a_view_of_the_samples_metadata(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner, metadata={"name": "Vine 7", "lab_field": "kept"})
    url = f"/api/v1/metadata/{sample['_id']}"

    body = await (await public_client.get(url, headers=headers)).json()
    assert body == {
        "$uri": url,
        "sample": {"$ref": f"/api/v1/samples/{sample['_id']}"},
        "name": "Vine 7",
        "lab_field": "kept",
        "custom": {},
        "starred": False,
    }

    response = await public_client.patch(
        url,
        json={
            "custom": {"row": 3, "block": "B", "irrigated": True, "note": None},
            "date_collected": "2024-05-01T10:00:00Z",
            "location_lat": 49.9,
            "location_lon": -119.4,
            "starred": True,
        },
        headers=headers,
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["custom"] == {"row": 3, "block": "B", "irrigated": True, "note": None}
    assert body["date_collected"] == "2024-05-01T10:00:00+00:00"
    assert (body["name"], body["lab_field"], body["starred"]) == ("Vine 7", "kept", True)
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["metadata"] == {
        "name": "Vine 7",
        "lab_field": "kept",
        "custom": {"row": 3, "block": "B", "irrigated": True, "note": None},
        "date_collected": "2024-05-01T10:00:00+00:00",
        "location_lat": 49.9,
        "location_lon": -119.4,
        "starred": True,
    }
    assert as_utc(stored["updated_at"]) > sample["updated_at"]

    # `custom` is replaced whole; other keys stay.
    response = await public_client.patch(url, json={"custom": {"row": 4}, "name": None}, headers=headers)
    body = await response.json()
    assert (body["custom"], body["name"], body["location_lat"]) == ({"row": 4}, None, 49.9)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"sample": {"$ref": "/api/v1/samples/x"}}, "Unknown or read-only field: sample"),
        ({"$uri": "/api/v1/metadata/x"}, "Unknown or read-only field: $uri"),
        ({"lab_field": "x"}, "Unknown or read-only field: lab_field"),
        ({"location_lat": 90.5}, "Invalid value for field: location_lat"),
        ({"location_lon": -181}, "Invalid value for field: location_lon"),
        ({"external_sample_id": "x" * 61}, "Invalid value for field: external_sample_id"),
        ({"name": "n" * 256}, "Invalid value for field: name"),
        ({"custom": {"nested": {"a": 1}}}, "Invalid value for field: custom"),
        ({"custom": {"a.b": 1}}, "Invalid value for field: custom"),
        ({"custom": {"$where": 1}}, "Invalid value for field: custom"),
        ({"custom": {"a\x00b": 1}}, "Invalid value for field: custom"),
        ({"custom": {"reads": 2**63}}, "Invalid value for field: custom"),
        ({"custom": {"ratio": float("nan")}}, "Invalid value for field: custom"),
        ({"custom": {"ratio": float("inf")}}, "Invalid value for field: custom"),
        ({"name": "Vine \ud800"}, "Invalid value for field: name"),
        ({"custom": None}, "Invalid value for field: custom"),
        ({"starred": "yes"}, "Invalid value for field: starred"),
        ({"date_collected": "yesterday"}, "Invalid value for field: date_collected"),
    ],
)
async def test_metadata_update_refuses_what_one_codex_refuses(ctx, factory, public_client, body, message):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner, metadata={"name": "Vine 7"})
    response = await public_client.patch(f"/api/v1/metadata/{sample['_id']}", json=body, headers=headers)
    assert response.status == 400
    assert (await response.json())["message"] == message
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["metadata"] == {"name": "Vine 7"}


# Tags, projects and users


async def test_tags_by_name_with_an_exact_count(ctx, factory, public_client):
    owner, headers = await factory.person()
    ids = {name: await make_tag(ctx, owner, name) for name in ("grape", "tomato", "potato")}

    response = await public_client.get("/api/v1/tags", params=listing({"name": "tomato"}), headers=headers)
    assert await response.json() == [{"$uri": f"/api/v1/tags/{ids['tomato']}", "name": "tomato"}]
    assert response.headers["X-Total-Count"] == "1"

    response = await public_client.get("/api/v1/tags", params=listing(per_page=2, page=2), headers=headers)
    assert [tag["name"] for tag in await response.json()] == ["tomato"]
    assert response.headers["X-Total-Count"] == "3"

    response = await public_client.get("/api/v1/tags", params=listing({"name": "none"}), headers=headers)
    assert (await response.json(), response.headers["X-Total-Count"]) == ([], "0")

    response = await public_client.get(f"/api/v1/tags/{ids['grape']}", headers=headers)
    assert await response.json() == {"$uri": f"/api/v1/tags/{ids['grape']}", "name": "grape"}
    assert (await public_client.get("/api/v1/tags/notag", headers=headers)).status == 404
    response = await public_client.get("/api/v1/tags", params=listing({"user": "x"}), headers=headers)
    assert (response.status, (await response.json())["message"]) == (400, "Unsupported filter: user")


async def test_projects_only_to_those_who_may_see_them(ctx, factory, public_client):
    owner, owner_headers = await factory.person()
    viewer, viewer_headers = await factory.person()
    _, stranger = await factory.person()
    _, admin = await factory.person(administrator=True)
    project = await make_project(ctx, owner, [member(owner, can_add_files=True), member(viewer)], "Survey")
    await make_project(ctx, owner, [], "Other")
    url = f"/api/v1/projects/{project}"

    body = await (await public_client.get(url, headers=owner_headers)).json()
    assert body == {
        "$uri": url,
        "name": "Survey",
        "description": "Grapevine survey",
        "external_id": None,
        "owner": {"$ref": f"/api/v1/users/{owner['_id']}"},
        "permissions": ["can_add_files", "can_see_files", "can_administer"],
        "project_name": None,
        "public": False,
    }
    viewer_body = await (await public_client.get(url, headers=viewer_headers)).json()
    assert viewer_body["permissions"] == ["can_see_files"]
    admin_body = await (await public_client.get(url, headers=admin)).json()
    assert admin_body["permissions"] == [
        "can_add_files",
        "can_edit_metadata",
        "can_see_files",
        "can_administer",
    ]
    response = await public_client.get(url, headers=stranger)
    assert (response.status, await response.json()) == (404, NOT_FOUND)

    response = await public_client.get(
        "/api/v1/projects", params=listing({"name": "Survey"}), headers=stranger
    )
    assert (await response.json(), response.headers["X-Total-Count"]) == ([], "0")
    response = await public_client.get(
        "/api/v1/projects", params=listing({"name": "Survey"}), headers=viewer_headers
    )
    assert [p["$uri"] for p in await response.json()] == [url]
    assert response.headers["X-Total-Count"] == "1"
    response = await public_client.get("/api/v1/projects", headers=owner_headers)
    assert [p["name"] for p in await response.json()] == ["Other", "Survey"]
    response = await public_client.get(
        "/api/v1/projects", params=listing({"project_name": "survey"}), headers=owner_headers
    )
    assert (response.status, (await response.json())["message"]) == (400, "Unsupported filter: project_name")


async def test_user_record(factory, public_client):
    owner, _ = await factory.person(handle="vine_lab")
    _, headers = await factory.person()
    response = await public_client.get(f"/api/v1/users/{owner['_id']}", headers=headers)
    assert await response.json() == {
        "$uri": f"/api/v1/users/{owner['_id']}",
        "email": None,
        "handle": "vine_lab",
    }
    assert (await public_client.get("/api/v1/users/nobody", headers=headers)).status == 404


async def test_every_v1_route_needs_credentials(public_client):
    for path in (
        "/api/v1/samples",
        "/api/v1/samples/public",
        "/api/v1/samples/x",
        "/api/v1/metadata/x",
        "/api/v1/tags",
        "/api/v1/tags/x",
        "/api/v1/projects",
        "/api/v1/projects/x",
        "/api/v1/users/x",
    ):
        response = await public_client.get(path)
        assert (response.status, await response.json()) == (401, UNAUTHORIZED), path


class _RecordingCollection:
    """A collection of the real store that notes each operation asked of it (and forwards it unchanged)."""

    def __init__(self, collection, name: str, log: list[str]) -> None:  # type: ignore[no-untyped-def]
        self._collection, self._name, self._log = collection, name, log

    def __getattr__(self, method: str):  # type: ignore[no-untyped-def]
        operation = getattr(self._collection, method)
        if not callable(operation):
            return operation

        def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
            self._log.append(f"{self._name}.{method}")
            return operation(*args, **kwargs)

        return recorded


class _RecordingDatabase:
    def __init__(self, db, log: list[str]) -> None:  # type: ignore[no-untyped-def]
        self._db, self._log = db, log

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return _RecordingCollection(getattr(self._db, name), name, self._log)


async def test_a_private_sample_and_a_missing_one_take_the_same_work(ctx, factory, aiohttp_client):
    """No timing oracle: for a stranger, a sample they may not read (here in a project they are not in, the
    longest way to "no") and one that does not exist are answered by the same store operations, in the same
    order, and the same 404."""
    log: list[str] = []
    client = await aiohttp_client(
        create_public_app(dataclasses.replace(ctx, db=_RecordingDatabase(ctx.db, log)))
    )
    owner, _ = await factory.person()
    _, stranger = await factory.person()
    project = await client.post("/api/projects", json={"name": "Vines"}, headers=(await factory.person())[1])
    assert project.status == 201
    private = await factory.sample(
        user={"id": owner["_id"], "handle": owner["handle"]},
        visibility="private",
        all_read=False,
        group_read=False,
        project=(await project.json())["id"],
    )

    answers = {}
    for sample_id in (private["_id"], "missing0"):
        log.clear()
        response = await client.get(f"/api/v1/samples/{sample_id}", headers=stranger)
        answers[sample_id] = (response.status, await response.json(), list(log))
    assert answers[private["_id"]] == answers["missing0"]
    assert answers["missing0"][0] == 404
