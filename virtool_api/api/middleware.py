"""The one place where failures become `{"id": ..., "message": ...}` responses. Never a traceback."""

import logging

from aiohttp import ClientPayloadError, web

from virtool_api.errors import (
    BadRequest,
    InsufficientRights,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServiceError,
    Unauthorized,
    UnsupportedMediaType,
)

logger = logging.getLogger(__name__)

_HTTP_ERRORS: dict[int, type[ServiceError]] = {
    error.status: error
    for error in (
        BadRequest,
        Unauthorized,
        InsufficientRights,
        NotFound,
        MethodNotAllowed,
        PayloadTooLarge,
        UnsupportedMediaType,
    )
}
"""What aiohttp's own refusals (no such route, a body over the limit) answer, as our errors would."""


def error_response(status: int, error_id: str, message: str, **extra: object) -> web.Response:
    return web.json_response({"id": error_id, "message": message, **extra}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler) -> web.StreamResponse:  # type: ignore[no-untyped-def]
    try:
        return await handler(request)
    except ServiceError as error:
        return web.json_response(error.body(), status=error.status, headers=error.headers)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        known = _HTTP_ERRORS.get(error.status)
        response = (
            error_response(error.status, known.id, known.default_message)
            if known is not None
            else error_response(error.status, "error", error.reason)
        )
        if error.status == 405 and "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except (ConnectionResetError, ClientPayloadError):
        logger.info("client went away during %s %s", request.method, request.path)
        raise
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(ServiceError.status, ServiceError.id, ServiceError.default_message)
