"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`), One Codex's wire format by plain HTTP:
listing samples (`/api/v1/samples` and `/api/v1/samples/public`): what the caller may read, filters, sort,
pages by number or by cursor, and `expand=all`.
"""

import base64
import json
from datetime import timedelta
from typing import Any

import pytest

from tests.support.onecodex_helpers import listing, make_tag, stored_sample
from tests.support.projects_helpers import make_project, member
from virtool_api.utils import utc_now


async def ids_of(response) -> list[str]:
    assert response.status == 200, await response.text()
    return [sample["$uri"].rsplit("/", 1)[1] for sample in await response.json()]


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
