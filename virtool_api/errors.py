"""The service-layer errors and their HTTP translation, in one place.

Services raise these; the error middleware (api/middleware.py) renders `{"id": ..., "message": ...}` with the
status. Messages are the spec's, word for word.

Each error a rule can answer is one value, declared once beside the rule with its message:
`ANALYSIS_FINALIZED = Conflict.declare("Analysis is finalized")`. The service raises it
(`raise ANALYSIS_FINALIZED`) and the route names it in its `errors=` table, so the OpenAPI document is derived
from the same value; `tests/server/test_error_declarations.py` checks that every error a handler can reach is
named. A message that carries a value is declared as a template (`"Tags do not exist: {ids}"`) and raised with
`.format(ids=...)`.
"""

import sys
from typing import Any, Self


class ServiceError(Exception):
    status = 500
    id = "internal_error"
    default_message = "Internal server error"

    described: tuple[str, ...] = ()
    """A family of messages made where it is raised (a parser naming what it found): what the API document
    lists for them. Every other error is raised with its declared message."""

    headers: dict[str, str] | None = None
    """Extra response headers (e.g. `Retry-After`), set by the raiser when the answer needs them."""

    def __init__(self, message: str | None = None, **extra: Any):
        self.message = message or self.default_message
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"id": self.id, "message": self.message, **self.extra}

    @classmethod
    def declare(cls, message: str) -> type[Self]:
        """One error of this kind with its own message: a subclass, so each raise is a fresh exception and
        `except` and `isinstance` know it by name. It belongs to the module that declares it."""
        name = f"{cls.__name__}({message!r})"
        module = sys._getframe(1).f_globals.get("__name__", cls.__module__)
        return type(name, (cls,), {"default_message": message, "__qualname__": name, "__module__": module})

    @classmethod
    def format(cls, *, extra: dict[str, Any] | None = None, **values: Any) -> Self:
        """This error with the values of its declared template filled in (and `extra` fields in its body)."""
        return cls(cls.default_message.format(**values), **(extra or {}))

    @classmethod
    def messages(cls) -> tuple[str, ...]:
        """What this error's message may be, as the API document lists it."""
        return cls.described or (cls.default_message,)


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


class MethodNotAllowed(ServiceError):
    status = 405
    id = "method_not_allowed"
    default_message = "Method not allowed"


class PayloadTooLarge(ServiceError):
    status = 413
    id = "payload_too_large"
    default_message = "Request body is too large"


class UnsupportedMediaType(ServiceError):
    status = 415
    id = "unsupported_media_type"
    default_message = "Unsupported media type"


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
