"""Public API: samples (`virtool_api/samples/public_api.py`): the rights truth table, through real requests.

GET (read) and PATCH (write) x each visibility, for every kind of caller (owner, administrator, group member,
project member with and without `can_edit_metadata`, stranger, anonymous) and each rights configuration.
`tests/samples/test_sample_rights.py` checks the listing filter agrees with the same rule.
"""

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, UNAUTHORIZED
from tests.support.projects_helpers import make_project, member
from tests.support.samples_helpers import make_group, stored_sample

VISIBILITIES = ("public", "shared", "private", "importing", "awaiting data")


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
