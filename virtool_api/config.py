"""One typed settings object. The CLI fills it from flags and `VIRTOOL_*` env vars (see cli.py)."""

from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


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
class Config:
    data_path: Path = Path("data")
    host: str = "localhost"
    port: int = 9950
    jobs_port: int = 9990
    mongodb_url: str | None = None
    postgres_url: str | None = None
    max_json_size: int = 50 * MIB
    job_ping_timeout: float = 300.0
    """A preparing or running job not pinged for this many seconds moves to `timeout`."""
    timeout_check_interval: float = 30.0
    shutdown_timeout: float = 60.0
    """How long a stopping server lets requests in flight (uploads included) finish."""
    header_timeout: float = 30.0
    """Seconds a client has, once a request begins, to send its request line and headers (then 408)."""
    idle_timeout: float = 75.0
    """Seconds a connection may wait for its next request; above a proxy's idle timeout for its upstreams."""
    body_timeout: float = 60.0
    """Seconds a request body may stop arriving before the connection is closed (slow but steady is fine)."""
    redis_url: str | None = None
    """Redis where workflow runners wait for jobs (`jobs_<workflow>` lists); without it, jobs wait."""
    runner: bool | None = None
    """Start our runner beside the job API (`virtool-api runner`, taking jobs from the server's queue).
    None: only without Redis, where no other runner can learn of jobs."""
    handoff_interval: float = 5.0
    """How often jobs not yet handed off to Redis are tried again (and how old they must be by then)."""
    handoff_grace: float = 60.0
    """A waiting job handed off this long ago whose id its Redis list no longer holds is pushed again (a
    younger one may just have been popped by a runner that is acquiring it; jobs/handoff.py)."""
    reconcile_interval: float = 30.0
    """How often the Redis lists are reconciled with the waiting jobs, besides when Redis restarts."""
    creation_timeout: float = 60.0
    """A sample whose creation has not finished this many seconds after it began was left half-done by a
    process that stopped (kill -9, power loss): public API processes undo it (samples/repair.py)."""
    repair_interval: float = 60.0
    """How often public API processes look for such leftovers, after doing so when they start."""
    fsync: bool = True
    """Flush uploaded files to disk before they are renamed into place and recorded as complete."""

    blast_backend: str = "ncbi"
    """`ncbi` (NCBI's BLAST URL API) or `local` (BLAST+ `blastn` against `blast_database`)."""
    blast_ncbi_url: str = "https://blast.ncbi.nlm.nih.gov/Blast.cgi"
    blast_database: str | None = None
    """`ncbi`: an NCBI database name (default `nr`). `local`: a BLAST+ database path (`makeblastdb -out`)."""
    blast_max_time: float = 3600.0
    """A BLAST not finished this many seconds after it started is given up with an error."""
    blast_min_request_interval: float = 10.0
    """Seconds between two of our requests to NCBI, which asks clients to wait at least 10 s."""

    secure_cookies: str = "auto"
    """`auto`: session cookies are `Secure` when the request came over TLS (directly, or per a trusted proxy's
    `X-Forwarded-Proto`); `always`: always `Secure` (only for sites served over HTTPS)."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of reverse proxies whose `X-Forwarded-For` and `-Proto` headers are believed
    (`X-Forwarded-Host` never is: see `api/origin.py`)."""

    @property
    def client_timeouts(self) -> ClientTimeouts:
        return ClientTimeouts(header=self.header_timeout, idle=self.idle_timeout, body=self.body_timeout)

    @property
    def embedded(self) -> bool:
        return self.mongodb_url is None and self.postgres_url is None
