"""Projects stored directly, and their members' rights, for the tests that need a project around a sample
(`tests/samples/`, `tests/onecodex/`)."""

from typing import Any

from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


async def make_project(
    ctx, owner: dict[str, Any], members: list[dict[str, Any]], name: str = "Survey"
) -> str:
    """A project of `owner` with `members` (`member(...)` each), described as a grapevine survey."""
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
    """`user` as a project member who may see files and nothing more, unless `permissions` say so."""
    return {
        "user_id": user["_id"],
        "can_add_files": False,
        "can_edit_metadata": False,
        "can_see_files": True,
        "can_administer": False,
        **permissions,
    }
