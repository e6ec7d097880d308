"""Public routes for signing in and out of the browser client. Scripts use API keys instead."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, SESSION
from virtool_api.api.origin import CROSS_SITE, client_address, only_from_our_page
from virtool_api.api.routes import SMALL_FORM, ApiRoutes, render
from virtool_api.users import credentials, service, throttle
from virtool_api.users.models import SignInRequest, User
from virtool_api.users.session_cookie import clear_session_cookie, set_session_cookie
from virtool_api.users.sessions import end_session

routes = ApiRoutes("account")


@routes.post(
    "/account/login",
    body=SignInRequest,
    max_body=SMALL_FORM,
    response=User,
    auth=False,
    errors=(
        credentials.INVALID_SIGN_IN,
        CROSS_SITE,
        throttle.THROTTLED,
    ),
)
async def login(request: web.Request, body: SignInRequest) -> web.StreamResponse:
    """Sign in with a handle and password: starts a session, sent as the `virtool_session` cookie.

    Only from our own page: the request must carry `X-Requested-With` (and a matching `Origin` when sent).
    """
    ctx = request.app[CONTEXT]
    user, _, token = await credentials.sign_in(
        ctx, body.handle, body.password, body.remember, client_address(request)
    )
    response = render(await service.render_user(ctx, user), 200)
    set_session_cookie(response, request, token, body.remember)
    return response


only_from_our_page(login)


@routes.post("/account/logout", status=204, errors=(CROSS_SITE,))
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session the request came with and clear its cookie (with an API key: nothing to end)."""
    if SESSION in request:
        await end_session(request.app[CONTEXT], request[SESSION])
    response = web.Response(status=204)
    clear_session_cookie(response)
    return response
