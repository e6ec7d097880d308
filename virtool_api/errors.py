"""The service-layer errors and their HTTP translation, in one place.

Services raise these; the error middleware (api/middleware.py) renders `{"id": ..., "message": ...}` with the
status. Messages are the spec's, word for word.
"""

from typing import Any


class ServiceError(Exception):
    status = 500
    id = "internal_error"
    default_message = "Internal server error"

    headers: dict[str, str] | None = None
    """Extra response headers (e.g. `Retry-After`), set by the raiser when the answer needs them."""

    def __init__(self, message: str | None = None, **extra: Any):
        self.message = message or self.default_message
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"id": self.id, "message": self.message, **self.extra}


class BadRequest(ServiceError):
    status = 400
    id = "bad_request"
    default_message = "Bad request"


class Unauthorized(ServiceError):
    status = 401
    id = "requires_authorization"
    default_message = "Requires authorization"


class InsufficientRights(ServiceError):
    status = 403
    id = "insufficient_rights"
    default_message = "Insufficient rights"


class NotFound(ServiceError):
    status = 404
    id = "not_found"
    default_message = "Not found"


class Conflict(ServiceError):
    status = 409
    id = "conflict"
    default_message = "Conflict"


class PayloadTooLarge(ServiceError):
    status = 413
    id = "payload_too_large"
    default_message = "Request body is too large"


class InvalidInput(ServiceError):
    """The JSON body does not have the required shape (422, as Virtool answers)."""

    status = 422
    id = "invalid_input"
    default_message = "Invalid input"


class InvalidQuery(ServiceError):
    status = 422
    id = "invalid_query"
    default_message = "Invalid query"


class TooManyRequests(ServiceError):
    status = 429
    id = "too_many_requests"
    default_message = "Too many requests"


class ServiceUnavailable(ServiceError):
    status = 503
    id = "service_unavailable"
    default_message = "Service unavailable"


class JobFinished(Conflict):
    """A job in a terminal state can change nothing more (job protocol, step 3)."""

    default_message = "Job is finished"


class InsufficientStorage(ServiceError):
    status = 507
    id = "insufficient_storage"
    default_message = "Not enough free space to store the file"
