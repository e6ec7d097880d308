"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`), One Codex's wire format by plain HTTP:
who gets an answer. Every route needs credentials, sent as One Codex sends them; a sample the caller may not
read is 404 (as one that does not exist, by the same store operations), one they may read but not change 403.
"""

import dataclasses

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND, UNAUTHORIZED
from tests.support.jobs import basic_auth
from tests.support.onecodex_helpers import stored_sample
from virtool_api.server.app import create_public_app


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
