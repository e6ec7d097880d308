"""The error bodies the APIs answer with, written out as the spec states them (not imported from
`virtool_api`, so a changed message fails the tests that expect it)."""

NOT_FOUND = {"id": "not_found", "message": "Not found"}
INSUFFICIENT_RIGHTS = {"id": "insufficient_rights", "message": "Insufficient rights"}
JOB_FINISHED = {"id": "conflict", "message": "Job is finished"}
SAMPLE_FINALIZED = {"id": "conflict", "message": "Sample already finalized"}
ANALYSIS_FINALIZED = {"id": "conflict", "message": "Analysis is finalized"}
INVALID_FILE_NAME = {"id": "bad_request", "message": "Invalid file name"}
