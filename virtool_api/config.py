"""The typed settings. Each setting is declared once, here (see options.py): its default, flag, `VIRTOOL_*`
variable, `--help` text and row of the configuration table in docs/operating.md."""

import ipaddress
from dataclasses import dataclass
from pathlib import Path

import click

from virtool_api.options import setting

MIB = 1024 * 1024

STORE_SETTINGS = ("data_path", "mongodb_url", "postgres_url", "store_timeout")
"""The settings of every command that opens the stores (`serve`, `migrate`, `users`, `hmms`, `dev seed`)."""

_POSITIVE = click.FloatRange(min=0, min_open=True)


def _networks(_context: click.Context, _parameter: click.Parameter, value: str) -> tuple[str, ...]:
    """`127.0.0.1,10.0.0.0/8` → `("127.0.0.1", "10.0.0.0/8")`, refusing anything that is not an address."""
    values = tuple(item.strip() for item in (value or "").split(",") if item.strip())
    for item in values:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise click.BadParameter(f"{item!r} is not an IP address or network") from None
    return values


@dataclass(frozen=True)
class ClientTimeouts:
    """How long a slow client may keep the server waiting (enforced by `api/slow_clients.py`)."""

    header: float
    idle: float
    body: float

    @property
    def sweep_interval(self) -> float:
        """Often enough that a timeout is enforced within a quarter of itself (at most a second late)."""
        return max(0.05, min(1.0, self.header / 4, self.body / 4))


@dataclass(frozen=True)
class LogConfig:
    """How `virtool-api` logs, whatever the command: options of `virtool-api` itself, before the command."""

    log_level: str = setting(
        "info",
        type=click.Choice(["debug", "info", "warning", "error", "critical"], case_sensitive=False),
        help="Least severe log level written.",
        doc="`debug`, `info`, `warning`, `error` or `critical`",
    )
    log_format: str = setting(
        "text",
        type=click.Choice(["text", "json"]),
        help="Readable text lines, or one JSON object per line for log collectors.",
        doc="`text`: readable lines; `json`: one JSON object per line",
    )


@dataclass(frozen=True)
class Config:
    """What `serve` runs with; the commands that only open the stores take `STORE_SETTINGS`. Fields without a
    `setting()` declaration are not options: tests shorten them."""

    data_path: Path = setting(
        Path("data"),
        type=click.Path(file_okay=False, path_type=Path),
        help="Where files and the embedded stores live.",
        doc="files (reads, artifacts, analysis files, uploads) and the embedded stores",
        doc_default="`data` (`/data` in the image)",
    )
    mongodb_url: str | None = setting(
        None,
        help="MongoDB URL; without it, an embedded document store under the data path.",
        doc="MongoDB URL; the database is the URL's path, else `virtool`",
        doc_default="none: embedded store in `{data path}/db/documents.sqlite`",
    )
    postgres_url: str | None = setting(
        None,
        help="PostgreSQL URL; without it, SQLite under the data path.",
        doc="PostgreSQL URL, `postgresql://user:password@host:5432/database`",
        doc_default="none: embedded SQLite `{data path}/virtool.sqlite3`",
    )
    store_timeout: float = setting(
        5.0,
        type=_POSITIVE,
        help="Seconds MongoDB or PostgreSQL may take to answer: at start-up, before the command refuses to "
        "start naming the store, and for each MongoDB operation to find a server.",
        doc="seconds MongoDB or PostgreSQL may take to answer: at start-up, before the command refuses to "
        "start naming the store that did not answer, and for each MongoDB operation to find a server (a "
        "replica set's election takes a few seconds)",
    )
    host: str = setting(
        "localhost",
        help="Address both APIs listen on.",
        doc="address both APIs listen on",
        doc_default="`localhost` (`0.0.0.0` in the image)",
    )
    port: int = setting(9950, help="Public API port.", doc="public API port")
    jobs_port: int = setting(9990, help="Job API port.", doc="job API port")
    only: str | None = setting(
        None,
        type=click.Choice(["public", "jobs"]),
        help="Serve only one of the two APIs (to scale them separately).",
        doc="`public` or `jobs`: serve one API only, to run and scale them separately",
        doc_default="both",
    )
    max_json_size: int = setting(
        50 * MIB,
        help="Largest JSON request body in bytes (413 beyond). File uploads are not bounded.",
        doc="largest JSON request body in bytes (413 beyond; small forms take 64 KiB, see "
        "[Limits](#limits)); file uploads are not bounded",
        doc_default="`52428800` (50 MiB)",
    )
    migrate_schema: bool = setting(
        True,
        flag="--migrate/--no-migrate",
        env="VIRTOOL_MIGRATE",
        help="Bring the SQL schema to the newest revision at startup. With --no-migrate, refuse to start "
        "while it is behind (run `virtool-api migrate` once before starting several processes).",
        doc="`serve` brings the SQL schema to the newest revision at startup; with `--no-migrate` it refuses "
        "to start while the schema is behind",
    )
    creation_timeout: float = setting(
        60.0,
        help="Seconds after which a sample creation that has not finished is taken to be left by a stopped "
        "process, and undone (at start-up and every minute).",
        doc="seconds after which a sample creation that has not finished, or a reference import whose "
        "heartbeat has stopped, is taken for one a stopped process left half-done, and undone (at start-up "
        "and every minute; see [Uploads](api.md#uploads), [References](api.md#references-and-otus))",
    )
    """A sample whose creation has not finished this many seconds after it began was left half-done by a
    process that stopped (kill -9, power loss): public API processes undo it (samples/repair.py)."""
    shutdown_timeout: float = setting(
        60.0,
        help="Seconds a stopping server (SIGTERM, SIGINT) lets in-flight requests, uploads included, finish.",
        doc="seconds a stopping server (SIGTERM/SIGINT) takes at most: in-flight requests, uploads included, "
        "get it less a reserve to finish, then are cancelled; the process exits by then whatever still runs; "
        "give the container as long (`stop_grace_period`)",
    )
    header_timeout: float = setting(
        30.0,
        type=_POSITIVE,
        help="Seconds a client has, once a request begins, to send its request line and headers (then 408).",
        doc="seconds a client has, from a request's first byte, to send its request line and headers; then "
        "`408` and the connection is closed",
    )
    idle_timeout: float = setting(
        75.0,
        type=_POSITIVE,
        help="Seconds a connection may wait for its next request before it is closed (keep it above a "
        "proxy's idle timeout for its upstream connections).",
        doc="seconds a connection may wait for its next request (from its opening or its last response) "
        "before it is closed; keep it above a proxy's idle timeout for upstream connections (nginx "
        "`keepalive_timeout` 60 s, AWS ALB 60 s)",
    )
    body_timeout: float = setting(
        60.0,
        type=_POSITIVE,
        help="Seconds a request body may stop arriving before the connection is closed; an upload that keeps "
        "sending, however slowly, is never cut.",
        doc="seconds a request body may stop arriving before the connection is closed (an upload in progress "
        "is then aborted and leaves nothing); an upload that keeps sending, however slowly, is never cut",
    )
    redis_url: str | None = setting(
        None,
        help="Redis URL where workflow runners wait for jobs (lists jobs_<workflow>); without it, jobs wait.",
        doc="Redis URL (`redis://[:password@]host:6379/0`) where workflow runners wait for jobs; see "
        '"Connecting workflow runners"',
        doc_default="none: jobs wait in the server's queue (`GET /api/queue`), where our runner takes them",
    )
    runner: bool | None = setting(
        None,
        flag="--runner/--no-runner",
        help="Run jobs with our runner, started beside the job API (a process of its own). Default: on "
        "without --redis-url (nothing else would run them), off with it (runners attach to Redis).",
        doc="`serve` starts our runner (`virtool-api runner`) beside the job API, as a process of its own, "
        "restarted if it dies",
        doc_default="on without `--redis-url`, off with it",
    )
    """None: our runner runs only without Redis, where no other runner can learn of jobs."""

    blast_backend: str = setting(
        "ncbi",
        type=click.Choice(["ncbi", "local"]),
        help="Where NuVs contigs are BLASTed: NCBI's BLAST URL API, or BLAST+ `blastn` on this machine.",
        doc="`ncbi` (NCBI's BLAST URL API) or `local` (BLAST+ `blastn` on this machine)",
    )
    blast_ncbi_url: str = setting(
        "https://blast.ncbi.nlm.nih.gov/Blast.cgi",
        help="NCBI BLAST URL API endpoint (ncbi backend).",
        doc="NCBI BLAST URL API endpoint",
    )
    blast_database: str | None = setting(
        None,
        help="ncbi: database name (default nr). local: BLAST+ database path, as given to `makeblastdb -out`.",
        doc="NCBI database name, or the BLAST+ database path (`makeblastdb -out`)",
        doc_default="`nr` for `ncbi`; required for `local`",
    )
    blast_max_time: float = setting(
        3600.0,
        help="Seconds after which an unfinished BLAST is given up with an error.",
        doc="seconds after which an unfinished BLAST is given up with an error",
    )

    secure_cookies: str = setting(
        "auto",
        type=click.Choice(["auto", "always"]),
        help="auto: the session cookie is Secure when the browser came over HTTPS (directly or per a trusted "
        "proxy's X-Forwarded-Proto); always: always Secure.",
        doc="`auto`: the session cookie is `Secure` when the browser came over HTTPS (directly, or per a "
        "trusted proxy's `X-Forwarded-Proto`); `always`: always",
    )
    """`always` only for sites served over HTTPS (users/session_cookie.py)."""
    trusted_proxies: tuple[str, ...] = setting(
        (),
        callback=_networks,
        show_default=False,
        help="Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For and -Proto "
        "headers are believed (e.g. 127.0.0.1,10.0.0.0/8); they must pass the browser's Host.",
        doc="comma-separated addresses or networks (`127.0.0.1,10.0.0.0/8`) of reverse proxies whose "
        "`X-Forwarded-For` and `-Proto` are believed (they must pass the browser's `Host`; see Behind a "
        "reverse proxy)",
        doc_default="none",
    )
    """`X-Forwarded-Host` is never believed: see `api/origin.py`."""

    job_ping_timeout: float = 300.0
    """A preparing or running job not pinged for this many seconds moves to `timeout`."""
    timeout_check_interval: float = 30.0
    handoff_interval: float = 5.0
    """How often jobs not yet handed off to Redis are tried again (and how old they must be by then)."""
    handoff_grace: float = 60.0
    """A waiting job handed off this long ago whose id its Redis list no longer holds is pushed again (a
    younger one may just have been popped by a runner that is acquiring it; jobs/handoff.py)."""
    reconcile_interval: float = 30.0
    """How often the Redis lists are reconciled with the waiting jobs, besides when Redis restarts."""
    repair_interval: float = 60.0
    """How often public API processes look for samples left half-created (`creation_timeout`), after doing so
    when they start."""
    fsync: bool = True
    """Flush uploaded files to disk before they are renamed into place and recorded as complete."""
    blast_min_request_interval: float = 10.0
    """Seconds between two of our requests to NCBI, which asks clients to wait at least 10 s."""

    @property
    def client_timeouts(self) -> ClientTimeouts:
        return ClientTimeouts(header=self.header_timeout, idle=self.idle_timeout, body=self.body_timeout)

    @property
    def embedded(self) -> bool:
        return self.mongodb_url is None and self.postgres_url is None
