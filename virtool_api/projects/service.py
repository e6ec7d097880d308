"""Projects: named sets of samples shared with members, each with their own permissions.

Who may manage a project (change it, its members, remove it): its creator, an administrator, or a member
with `can_administer`. Who may see it: those and every member. A sample's rights through its project are
decided in `samples/rights.py`; adding a sample to a project needs `can_add_files` (see `require_add_files`).
"""

from typing import Any

from pymongo import ReturnDocument

from virtool_api.context import Context
from virtool_api.errors import BadRequest, InsufficientRights, NotFound
from virtool_api.pagination import NEWEST_FIRST
from virtool_api.projects.membership import project_membership
from virtool_api.projects.models import CreateProjectRequest, Project, ProjectMember, UpdateProjectRequest
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import Find, Steps, run_steps
from virtool_api.users.service import existing_user_ids, user_ref
from virtool_api.utils import utc_now

PROJECT_DOES_NOT_EXIST = BadRequest.declare("Project does not exist")
CANNOT_ADD_SAMPLES = InsufficientRights.declare("Insufficient rights to add samples to this project")


def render_project(document: dict[str, Any]) -> Project:
    return Project.model_validate(
        {**document, "id": document["_id"], "$uri": f"/api/projects/{document['_id']}"}
    )


def _can_see(user: dict[str, Any], project: dict[str, Any]) -> bool:
    return (
        bool(user.get("administrator"))
        or project["owner"]["id"] == user["_id"]
        or project_membership(project, user["_id"]) is not None
    )


def can_manage(user: dict[str, Any], project: dict[str, Any]) -> bool:
    membership = project_membership(project, user["_id"]) or {}
    return (
        bool(user.get("administrator"))
        or project["owner"]["id"] == user["_id"]
        or bool(membership.get("can_administer"))
    )


def require_add_files(user: dict[str, Any], project: dict[str, Any]) -> None:
    """Putting a sample into a project: `can_add_files` (or `can_administer`), the creator, or an admin."""
    membership = project_membership(project, user["_id"]) or {}
    if not (can_manage(user, project) or membership.get("can_add_files")):
        raise CANNOT_ADD_SAMPLES


async def find_project(ctx: Context, project_id: str) -> dict[str, Any] | None:
    return await ctx.db.projects.find_one({"_id": project_id})


async def member_project_ids(ctx: Context, user_id: str) -> list[str]:
    """The projects `user_id` is a member of (what sample listings let them read)."""
    return await run_steps(ctx.db, member_project_ids_steps(user_id))


def member_project_ids_steps(user_id: str) -> Steps[list[str]]:
    """`member_project_ids` as steps, to go with others in one round trip (`storage/steps.py`)."""
    projects = yield Find("projects", {"members.user_id": user_id}, {"_id": 1})
    return [project["_id"] for project in projects]


MEMBER_TWICE = BadRequest.declare("A user is listed twice as a member")
NO_SUCH_MEMBER = BadRequest.declare("User does not exist: {user_id}")


async def _checked_members(ctx: Context, members: list[ProjectMember]) -> list[dict[str, Any]]:
    user_ids = [member.user_id for member in members]
    if len(set(user_ids)) != len(user_ids):
        raise MEMBER_TWICE
    found = await existing_user_ids(ctx, user_ids)
    if missing := [user_id for user_id in user_ids if user_id not in found]:
        raise NO_SUCH_MEMBER.format(user_id=", ".join(missing))
    return [member.model_dump() for member in members]


def projects_visible_to(user: dict[str, Any]) -> dict[str, Any]:
    """The projects `user` may see: all for an administrator, else those they own or are a member of."""
    if user.get("administrator"):
        return {}
    return {"$or": [{"owner.id": user["_id"]}, {"members.user_id": user["_id"]}]}


async def find_projects(ctx: Context, user: dict[str, Any]) -> list[Project]:
    """The projects the caller may see (all of them for an administrator), newest first."""
    cursor = ctx.db.projects.find(projects_visible_to(user)).sort(NEWEST_FIRST)
    return [render_project(document) async for document in cursor]


async def create_project(ctx: Context, user: dict[str, Any], request: CreateProjectRequest) -> Project:
    """Any user may create a project; its creator is its owner and a member with every permission."""
    members = [member for member in request.members if member.user_id != user["_id"]]
    creator = ProjectMember(
        user_id=user["_id"],
        can_add_files=True,
        can_edit_metadata=True,
        can_see_files=True,
        can_administer=True,
    )
    now = utc_now()
    document = await insert_with_random_id(
        ctx.db.projects,
        {
            "name": request.name,
            "description": request.description,
            "owner": user_ref(user),
            "members": await _checked_members(ctx, [creator, *members]),
            "created_at": now,
            "updated_at": now,
        },
    )
    return render_project(document)


async def _existing(ctx: Context, project_id: str) -> dict[str, Any]:
    document = await find_project(ctx, project_id)
    if document is None:
        raise NotFound()
    return document


async def get_project(ctx: Context, user: dict[str, Any], project_id: str) -> Project:
    document = await _existing(ctx, project_id)
    if not _can_see(user, document):
        raise InsufficientRights()
    return render_project(document)


async def update_project(
    ctx: Context, user: dict[str, Any], project_id: str, request: UpdateProjectRequest
) -> Project:
    document = await _existing(ctx, project_id)
    if not can_manage(user, document):
        raise InsufficientRights()
    changes: dict[str, Any] = request.model_dump(exclude_unset=True, exclude={"members"})
    if request.members is not None:
        changes["members"] = await _checked_members(ctx, request.members)
    if not changes:
        return render_project(document)
    document = await ctx.db.projects.find_one_and_update(
        {"_id": project_id},
        {"$set": {**changes, "updated_at": utc_now()}},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        raise NotFound()
    return render_project(document)


async def remove_project(ctx: Context, user: dict[str, Any], project_id: str) -> None:
    """Remove the project; its samples stay, in no project."""
    document = await _existing(ctx, project_id)
    if not can_manage(user, document):
        raise InsufficientRights()
    await ctx.db.projects.delete_one({"_id": project_id})
    await ctx.events.emit_project_removed(ctx, project_id)
