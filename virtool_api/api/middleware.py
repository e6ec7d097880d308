"""The one place where failures become `{"id": ..., "message": ...}` responses. Never a traceback."""

import logging

from aiohttp import ClientPayloadError, web

from virtool_api.errors import ServiceError

logger = logging.getLogger(__name__)

_HTTP_ERROR_IDS = {
    400: ("bad_request", "Bad request"),
    401: ("requires_authorization", "Requires authorization"),
    403: ("insufficient_rights", "Insufficient rights"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Request body is too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
}


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
        error_id, message = _HTTP_ERROR_IDS.get(error.status, ("error", error.reason))
        response = error_response(error.status, error_id, message)
        if error.status == 405 and "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except (ConnectionResetError, ClientPayloadError):
        logger.info("client went away during %s %s", request.method, request.path)
        raise
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Internal server error")
