"""The workflow runner: a process that runs jobs, as a client of the job API over HTTP and nothing else.

It imports no service and no store: every job it runs exercises the job API exactly as Virtool's runners do
(acquire, ping, status, downloads, uploads, finalize, `DELETE` on failure). It learns of jobs from the Redis
lists `jobs_<workflow>` (beside Virtool's runners) or, without Redis, from the server's own queue
(`GET /api/queue`). See `process.py` for the loop and `workflows/` for what each workflow does.
"""
