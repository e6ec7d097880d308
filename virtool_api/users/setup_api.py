"""Public routes for setting up: creating the first administrator with the setup token the server printed.

Both need no credentials (nobody can sign in yet). The web client's page at `/setup` uses them.
"""

from aiohttp import web

from virtool_api.api.keys import CONTEXT
from virtool_api.api.origin import CROSS_SITE, only_from_our_page
from virtool_api.api.routes import SMALL_FORM, ApiRoutes, created
from virtool_api.users import passwords, setup
from virtool_api.users.models import CreatedUser, SetupRequest, SetupState
from virtool_api.users.service import USER_EXISTS
from virtool_api.users.session_cookie import set_session_cookie

routes = ApiRoutes("setup")


@routes.get("/setup", response=SetupState, auth=False)
async def get_setup(request: web.Request) -> SetupState:
    """Whether the first administrator is still to be created."""
    return SetupState(required=await setup.setup_required(request.app[CONTEXT]))


@routes.post(
    "/setup",
    body=SetupRequest,
    max_body=SMALL_FORM,
    response=CreatedUser,
    status=201,
    auth=False,
    errors=(
        passwords.TOO_SHORT,
        passwords.TOO_LONG,
        passwords.CONTAINS_HANDLE,
        USER_EXISTS,
        setup.INVALID_SETUP_TOKEN,
        CROSS_SITE,
        setup.ALREADY_SET_UP,
    ),
)
async def create_first_administrator(request: web.Request, body: SetupRequest) -> web.StreamResponse:
    """Create the first administrator with the one-time setup token the server printed; works once.

    The answer carries the administrator's first API key (shown only here) and signs the caller in (the
    `virtool_session` cookie). Every setup token stops working. Only from our page or a script that sends
    `X-Requested-With` (as the sign-in route).
    """
    user, token = await setup.create_first_administrator(request.app[CONTEXT], body)
    response = created(user, f"/api/users/{user.id}")
    set_session_cookie(response, request, token, remember=False)
    return response


only_from_our_page(create_first_administrator)
