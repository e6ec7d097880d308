"""One Codex's own Python client and CLI (`onecodex` 1.2.0, unmodified) against a real server process.

The client's models are classes shared by every `Api` object (each new `Api` rebinds them), so a test acts
as one person at a time: `as_person(key)` right before that person's calls. Nothing here may leave the
machine: `loopback_only` refuses any other address, and One Codex's telemetry (Sentry) is off.
"""

import asyncio
import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from tests.support.factory import Factory
from tests.support.real_server import running_server
from virtool_api.config import Config
from virtool_api.projects.models import CreateProjectRequest, ProjectMember
from virtool_api.projects.service import create_project
from virtool_api.samples.service import create_sample
from virtool_api.server.context import create_context
from virtool_api.tags.service import create_tag
from virtool_api.utils import as_utc, utc_now

LISTED_SAMPLES = 104
"""More than the client's page of 100: listing them all takes it past the first cursor page."""

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fail any connection or name lookup beyond this machine; keep One Codex's client off the caller's
    `~/.onecodex` and environment, with telemetry off.
    """
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise AssertionError(f"a request tried to leave the machine: {address}")
        return real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOOPBACK:
            raise AssertionError(f"a request tried to look up {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in (
        "ONE_CODEX_API_KEY",
        "ONE_CODEX_BEARER_TOKEN",
        "ONE_CODEX_API_BASE",
        "ONE_CODEX_AUTO_TELEMETRY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ONE_CODEX_NO_TELEMETRY", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


async def _seed(data_path: Path) -> dict[str, Any]:
    """People with keys, a project, tags, and the owner's samples: many private ones to list, and one each to
    read, to change, to annotate, to delete and to share by link; and a public one of someone else. Each
    test changes only its own sample, so they pass in any order.
    """
    ctx = await create_context(Config(data_path=data_path))
    try:
        factory = Factory(ctx)
        owner, owner_headers = await factory.person(handle="vine_lab")
        other, _ = await factory.person()
        _, stranger_headers = await factory.person()
        project = await create_project(
            ctx, owner, CreateProjectRequest(name="Okanagan survey", description="Vineyards, 2024")
        )
        await create_project(
            ctx,
            other,
            CreateProjectRequest(name="Shared survey", members=[ProjectMember(user_id=owner["_id"])]),
        )
        grapevine = await create_tag(ctx, owner, "grapevine")
        await create_tag(ctx, owner, "leafroll")

        def sample_of(person: dict[str, Any], name: str, **fields: Any) -> Any:
            return create_sample(
                ctx,
                name=name,
                user={"id": person["_id"], "handle": person["handle"]},
                ready=True,
                status="available",
                all_read=False,
                group_read=False,
                filename=f"{name}.fq.gz",
                size=2048,
                **fields,
            )

        template = await sample_of(owner, "template")
        await ctx.db.samples.delete_one({"_id": template["_id"]})
        start = utc_now() - timedelta(days=1)
        listed = [
            {
                **template,
                "_id": f"listed{n:03}",
                "name": f"Vine {n}",
                "created_at": start + timedelta(seconds=n),
            }
            for n in range(LISTED_SAMPLES)
        ]
        await ctx.db.samples.insert_many(listed)
        described = await sample_of(owner, "described", metadata={"name": "Vine 7", "custom": {"row": 3}})
        editable = await sample_of(owner, "editable", metadata={"name": "Vine 8"})
        annotated = await sample_of(owner, "annotated", metadata={"name": "Vine 9"})
        doomed = await sample_of(owner, "doomed")
        shared = await sample_of(owner, "shared-with-a-link", visibility="shared")
        public = await sample_of(other, "public", visibility="public")
    finally:
        await ctx.close()
    return {
        "owner": owner,
        "owner_key": owner_headers["X-API-Key"],
        "stranger_key": stranger_headers["X-API-Key"],
        "project": project.id,
        "grapevine": grapevine.id,
        "listed": [document["_id"] for document in listed],
        "described": described["_id"],
        "described_created_at": as_utc(described["created_at"]),
        "editable": editable["_id"],
        "annotated": annotated["_id"],
        "doomed": doomed["_id"],
        "shared": shared["_id"],
        "public": public["_id"],
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The seeded data behind a real `virtool-api serve --only public` process, for the whole module."""
    data_path = tmp_path_factory.mktemp("onecodex") / "data"
    seeded = asyncio.run(_seed(data_path))
    with running_server("public", data_path) as (_, url):
        yield {**seeded, "url": url}


def as_person(world: dict[str, Any], key: str) -> Any:
    """One Codex's client, as its documentation shows it, pointed at our server."""
    from onecodex import Api

    return Api(api_key=key, base_url=world["url"], telemetry=False, load_extensions=False)


def virtool_get(world: dict[str, Any], path: str, key: str, **options: Any) -> requests.Response:
    return requests.get(f"{world['url']}{path}", headers={"X-API-Key": key}, timeout=30, **options)


def test_requests_beyond_this_machine_are_refused():
    with pytest.raises(AssertionError, match="tried to look up"):
        socket.create_connection(("example.org", 80), timeout=1)


def test_get_a_sample_and_what_it_refers_to(world):
    ocx = as_person(world, world["owner_key"])
    sample = ocx.Samples.get(world["described"])

    assert sample.id == world["described"]
    assert (sample.visibility, sample.status, sample.filename, sample.size) == (
        "private",
        "available",
        "described.fq.gz",
        2048,
    )
    assert sample.created_at == world["described_created_at"]
    assert sample.project is None and sample.tags == []
    assert sample.owner.id == world["owner"]["_id"]
    assert (sample.metadata.name, sample.metadata.custom) == ("Vine 7", {"row": 3})
    assert ocx.Samples.get("nosample") is None


def test_where_follows_cursor_pages_past_the_first_hundred(world):
    ocx = as_person(world, world["owner_key"])
    samples = ocx.Samples.where()

    ids = [sample.id for sample in samples]
    assert len(ids) == len(set(ids))
    own = ("described", "editable", "annotated", "doomed", "shared", "public")
    expected = {*world["listed"], *(world[name] for name in own)}
    # Another test may have deleted `doomed` already.
    assert set(ids) in (expected, expected - {world["doomed"]})
    assert len(ids) > 100
    listed = [sample_id for sample_id in ids if sample_id.startswith("listed")]
    assert listed == sorted(world["listed"], reverse=True)  # newest first

    by_id = ocx.Samples.where(world["listed"][0], world["listed"][1])
    assert sorted(sample.id for sample in by_id) == world["listed"][:2]

    oldest_first = ocx.Samples.where(sort="^created_at", limit=3)
    assert [sample.id for sample in oldest_first] == sorted(world["listed"])[:3]


def test_where_public(world):
    ocx = as_person(world, world["owner_key"])
    assert [sample.id for sample in ocx.Samples.where(public=True)] == [world["public"]]


def test_change_sharing_project_and_tags_then_read_them_back_over_both_apis(world):
    ocx = as_person(world, world["owner_key"])
    sample = ocx.Samples.get(world["editable"])
    sample.visibility = "shared"
    sample.project = ocx.Projects.get(world["project"])
    sample.tags = ocx.Tags.where(name="grapevine")
    sample.save()

    again = ocx.Samples.get(world["editable"])
    assert again.visibility == "shared"
    assert again.project.id == world["project"]
    assert again.project.name == "Okanagan survey"
    assert "can_add_files" in again.project.permissions
    assert [tag.name for tag in again.tags] == ["grapevine"]
    assert again.metadata.name == "Vine 8"

    v1 = virtool_get(world, f"/api/v1/samples/{world['editable']}", world["owner_key"]).json()
    assert v1["project"] == {"$ref": f"/api/v1/projects/{world['project']}"}
    assert v1["tags"] == [{"$ref": f"/api/v1/tags/{world['grapevine']}"}]
    virtool = virtool_get(world, f"/api/samples/{world['editable']}", world["owner_key"]).json()
    assert (virtool["visibility"], virtool["project"], virtool["tags"]) == (
        "shared",
        {"$ref": f"/api/projects/{world['project']}"},
        [{"$ref": f"/api/tags/{world['grapevine']}"}],
    )

    in_project = ocx.Samples.where(project=ocx.Projects.get(world["project"]))
    assert [s.id for s in in_project] == [world["editable"]]
    assert [s.id for s in ocx.Samples.where(project=world["project"])] == [world["editable"]]
    assert [s.id for s in ocx.Samples.where(tags=["grapevine"])] == [world["editable"]]
    assert [s.id for s in ocx.Samples.where(tags=["leafroll"])] == []
    assert [s.id for s in ocx.Samples.where(tags=["grapevine"], visibility="private")] == []

    # And back: out of the project, no tags, private.
    again.visibility = "private"
    again.project = None
    again.tags = []
    again.save()
    virtool = virtool_get(world, f"/api/samples/{world['editable']}", world["owner_key"]).json()
    assert (virtool["visibility"], virtool["project"], virtool["tags"]) == ("private", None, [])


def test_change_metadata(world):
    ocx = as_person(world, world["owner_key"])
    sample = ocx.Samples.get(world["annotated"])
    sample.metadata.location_string = "Okanagan Falls"
    sample.metadata.custom = {"row": 4, "block": "B"}
    sample.metadata.save()

    stored = virtool_get(world, f"/api/v1/metadata/{world['annotated']}", world["owner_key"]).json()
    assert (stored["location_string"], stored["custom"], stored["name"]) == (
        "Okanagan Falls",
        {"row": 4, "block": "B"},
        "Vine 9",
    )
    assert ocx.Samples.get(world["annotated"]).metadata.location_string == "Okanagan Falls"


def test_a_stranger_sees_neither_a_private_sample_nor_its_count(world):
    ocx = as_person(world, world["stranger_key"])

    assert ocx.Samples.get(world["described"]) is None
    assert ocx.Samples.get(world["listed"][0]) is None
    # A shared sample opens to whoever has its id, but is not listed.
    assert ocx.Samples.get(world["shared"]).id == world["shared"]
    assert [sample.id for sample in ocx.Samples.where()] == [world["public"]]

    response = ocx._client.get(f"{world['url']}/api/v1/samples", headers={"X-Pagination-Style": "cursor"})
    assert response.headers["X-Total-Count"] == "1"
    assert "X-Next-Cursor" not in response.headers
    assert ocx.Projects.get(world["project"]) is None
    assert ocx.Projects.where(name="Okanagan survey") == []


def test_a_stranger_cannot_change_what_they_may_only_read(world):
    from onecodex.exceptions import OneCodexException

    ocx = as_person(world, world["stranger_key"])
    sample = ocx.Samples.get(world["public"])
    sample.visibility = "private"
    with pytest.raises(OneCodexException, match="Insufficient rights"):
        sample.save()
    assert ocx.Samples.get(world["public"]).visibility == "public"


def test_delete(world):
    ocx = as_person(world, world["owner_key"])
    sample = ocx.Samples.get(world["doomed"])
    assert sample.delete() is True
    assert ocx.Samples.get(world["doomed"]) is None
    assert virtool_get(world, f"/api/samples/{world['doomed']}", world["owner_key"]).status_code == 404


def test_cli_lists_samples(world, monkeypatch):
    """`onecodex samples` with `ONE_CODEX_API_BASE` and `ONE_CODEX_API_KEY`, as docs/api.md shows."""
    from onecodex.cli import onecodex

    monkeypatch.setenv("ONE_CODEX_API_BASE", world["url"])
    monkeypatch.setenv("ONE_CODEX_API_KEY", world["owner_key"])
    result = CliRunner().invoke(onecodex, ["--no-telemetry", "samples"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output[result.output.index("[") :])
    uris = {sample["$uri"] for sample in listed}
    assert {f"/api/v1/samples/{sample_id}" for sample_id in world["listed"]} <= uris
