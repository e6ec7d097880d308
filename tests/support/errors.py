"""The error bodies the APIs answer with, written out as the spec states them (not imported from
`virtool_api`, so a changed message fails the tests that expect it; only the 401s' hints, long prose the spec
does not state, are our constants), and `refused`, which checks a 422 "Invalid input" answer and returns its
errors by field."""

from virtool_api.server.auth import JOB_CREDENTIALS_HINT, PUBLIC_CREDENTIALS_HINT

UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": PUBLIC_CREDENTIALS_HINT,
}
"""A public API route without valid credentials."""
JOB_UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": JOB_CREDENTIALS_HINT,
}
"""A job API route without a job's valid credentials."""
NOT_FOUND = {"id": "not_found", "message": "Not found"}
INSUFFICIENT_RIGHTS = {"id": "insufficient_rights", "message": "Insufficient rights"}
JOB_FINISHED = {"id": "conflict", "message": "Job is finished"}
SAMPLE_FINALIZED = {"id": "conflict", "message": "Sample already finalized"}
ANALYSIS_FINALIZED = {"id": "conflict", "message": "Analysis is finalized"}
INVALID_FILE_NAME = {"id": "bad_request", "message": "Invalid file name"}
INVALID_INPUT = ("invalid_input", "Invalid input")


async def refused(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    assert response.status == 422, await response.text()
    body = await response.json()
    assert (body["id"], body["message"]) == INVALID_INPUT
    return body["errors"]
