"""What One Codex's samples refer to: tags, projects and users, in One Codex's shapes.

Tags are visible to everyone signed in (as on `/api/tags`); projects to their owner, their members and
administrators (`projects/service.py` decides; others get 404 here); a user record (`$uri`, `email`,
`handle`) to everyone signed in, since whoever may read a sample sees its owner's handle anyway.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from virtool_api.context import Context
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.onecodex import query as v1_query
from virtool_api.onecodex.models import V1PageQuery, V1Project, V1Tag, V1User, ref, uri
from virtool_api.onecodex.render import render_tag
from virtool_api.projects import service as projects_service
from virtool_api.projects.membership import project_membership
from virtool_api.projects.models import Project
from virtool_api.samples.rights import sample_rights
from virtool_api.tags import service as tags_service
from virtool_api.users.service import find_user

T = TypeVar("T")

PERMISSIONS = ("can_add_files", "can_edit_metadata", "can_see_files", "can_administer")


@dataclass
class Listing:
    items: list[Any]
    total_count: int
    """Every record the listing matches, not only this page: the client pages until it has this many."""


def _page(items: list[T], request: V1PageQuery) -> list[T]:
    start = (request.page - 1) * request.per_page
    return items[start : start + request.per_page]


def _narrowed(
    items: list[T], request: V1PageQuery, collection: str, id_of: Any, name_of: Any, created_at_of: Any
) -> list[T]:
    """`items` narrowed by the client's `where` (`$uri`, `name`) and ordered by its `sort`."""
    ids, names = v1_query.named_filter(v1_query.parse_json_object(request.where, "where"), collection)
    field, descending = v1_query.sort_order(
        v1_query.parse_json_object(request.sort, "sort"), ("name", "created_at"), "name"
    )
    kept = [
        item
        for item in items
        if (ids is None or id_of(item) in ids) and (names is None or name_of(item) in names)
    ]
    key = name_of if field == "name" else created_at_of
    return sorted(kept, key=lambda item: (key(item), id_of(item)), reverse=descending)


async def find_tags(ctx: Context, request: V1PageQuery) -> Listing:
    tags = _narrowed(
        await tags_service.find_tags(ctx),
        request,
        "tags",
        lambda tag: tag.id,
        lambda tag: tag.name,
        lambda tag: tag.created_at,
    )
    return Listing([render_tag(tag.id, tag.name) for tag in _page(tags, request)], len(tags))


async def get_tag(ctx: Context, tag_id: str) -> V1Tag:
    tag = await tags_service.get_tag(ctx, tag_id)
    return render_tag(tag.id, tag.name)


def caller_permissions(user: dict[str, Any], project: dict[str, Any]) -> list[str]:
    """What the caller may do in the project, named as its member flags, by the rules that apply them:
    `can_administer` and `can_add_files` as `projects/service.py` grants them, `can_edit_metadata` when the
    project gives write on its samples (`samples/rights.py`), `can_see_files` from the membership.
    """
    membership = project_membership(project, user["_id"])
    granted: set[str] = set()
    if projects_service.can_manage(user, project):
        granted.add("can_administer")
    try:
        projects_service.require_add_files(user, project)
        granted.add("can_add_files")
    except InsufficientRights:
        pass
    if sample_rights(user, {"project": project["_id"]}, membership).write:
        granted.add("can_edit_metadata")
    if user.get("administrator") or (membership or {}).get("can_see_files"):
        granted.add("can_see_files")
    return [name for name in PERMISSIONS if name in granted]


def render_project(user: dict[str, Any], project: Project) -> V1Project:
    document = {**project.model_dump(), "_id": project.id}
    return V1Project.model_validate(
        {
            "$uri": uri("projects", project.id),
            "name": project.name,
            "description": project.description,
            "owner": ref("users", project.owner.id),
            "permissions": caller_permissions(user, document),
        }
    )


async def find_projects(ctx: Context, user: dict[str, Any], request: V1PageQuery) -> Listing:
    projects = _narrowed(
        await projects_service.find_projects(ctx, user),
        request,
        "projects",
        lambda project: project.id,
        lambda project: project.name,
        lambda project: project.created_at,
    )
    return Listing([render_project(user, project) for project in _page(projects, request)], len(projects))


async def get_project(ctx: Context, user: dict[str, Any], project_id: str) -> V1Project:
    """The project if the caller may see it; 404 otherwise (One Codex's convention)."""
    try:
        project = await projects_service.get_project(ctx, user, project_id)
    except InsufficientRights:
        raise NotFound() from None
    return render_project(user, project)


async def get_user(ctx: Context, user_id: str) -> V1User:
    document = await find_user(ctx, user_id, "handle")
    if document is None:
        raise NotFound()
    return V1User.model_validate({"$uri": uri("users", user_id), "email": None, "handle": document["handle"]})
