"""Public API: projects and their members."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.projects import service
from virtool_api.projects.models import CreateProjectRequest, Project, UpdateProjectRequest

routes = ApiRoutes("projects")

NO_SUCH_USER = service.NO_SUCH_MEMBER
TWICE = service.MEMBER_TWICE


@routes.get("/projects", response=list[Project])
async def find(request: web.Request) -> list[dict]:
    """List the projects the caller created or is a member of (all, for an administrator)."""
    projects = await service.find_projects(request.app[CONTEXT], request[USER])
    return [project.model_dump(mode="json", by_alias=True) for project in projects]


@routes.post(
    "/projects",
    body=CreateProjectRequest,
    response=Project,
    status=201,
    errors=(NO_SUCH_USER, TWICE),
)
async def create(request: web.Request, body: CreateProjectRequest) -> web.Response:
    """Create a project; the caller becomes its owner and a member with every permission."""
    project = await service.create_project(request.app[CONTEXT], request[USER], body)
    return created(project, f"/api/projects/{project.id}")


@routes.get("/projects/{project_id}", response=Project, errors=(InsufficientRights, NotFound))
async def get(request: web.Request) -> Project:
    """Get a project (its members, its owner and administrators)."""
    return await service.get_project(request.app[CONTEXT], request[USER], request.match_info["project_id"])


@routes.patch(
    "/projects/{project_id}",
    body=UpdateProjectRequest,
    response=Project,
    errors=(NO_SUCH_USER, TWICE, InsufficientRights, NotFound),
)
async def update(request: web.Request, body: UpdateProjectRequest) -> Project:
    """Change a project's name, description or members (owner, `can_administer` members, administrators)."""
    return await service.update_project(
        request.app[CONTEXT], request[USER], request.match_info["project_id"], body
    )


@routes.delete("/projects/{project_id}", status=204, errors=(InsufficientRights, NotFound))
async def remove(request: web.Request) -> None:
    """Remove a project (owner, `can_administer` members, administrators); its samples stay, unassigned."""
    await service.remove_project(request.app[CONTEXT], request[USER], request.match_info["project_id"])
