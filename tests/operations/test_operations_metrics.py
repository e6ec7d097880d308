"""Operating the server: the Prometheus metrics of requests, jobs and bytes moved, per app."""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from tests.support.jobs import acquire
from tests.support.operations_helpers import scrape
from tests.support.reads import FASTQ_GZ, multipart_file
from virtool_api.server.app import create_jobs_app, create_public_app
from virtool_api.server.observability import DURATION_BUCKETS, RequestSeries


def requests_total(samples: dict, method: str, route: str, status: int) -> float:  # type: ignore[type-arg]
    key = ("virtool_http_requests_total", (("method", method), ("route", route), ("status", str(status))))
    return samples.get(key, 0.0)


async def test_metrics_count_requests_by_route_template_and_status(jobs_client, factory):
    job = await factory.create_sample_job(await factory.sample())
    auth = await acquire(jobs_client, job["_id"])
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)).status == 200
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)).status == 200
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}")).status == 401
    assert (await jobs_client.get("/api/no/such/route")).status == 404

    samples = await scrape(jobs_client)

    assert requests_total(samples, "PATCH", "/api/jobs/{job_id}", 200) == 1
    assert requests_total(samples, "GET", "/api/jobs/{job_id}", 200) == 2
    assert requests_total(samples, "GET", "/api/jobs/{job_id}", 401) == 1
    assert requests_total(samples, "GET", "unmatched", 404) == 1
    histogram_count = (
        "virtool_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/api/jobs/{job_id}")),
    )
    assert samples[histogram_count] == 3
    # Raw paths never become labels: the job id appears in no series.
    assert not any(job["_id"] in value for _, labels in samples for _, value in labels)


def test_request_series_are_written_as_prometheus_counters_and_histograms_write_them():
    """The request counts and durations are kept as plain numbers, and scraped as the same text a `Counter`
    and a `Histogram` write for the same requests: every bucket's edge (a duration equal to a bound counts
    in that bucket), above the last bound, and label values that need escaping."""
    theirs, ours = CollectorRegistry(), CollectorRegistry()
    requests = Counter(
        "virtool_http_requests",
        "HTTP requests answered, by route template and status.",
        ["method", "route", "status"],
        registry=theirs,
    )
    duration = Histogram(
        "virtool_http_request_duration_seconds",
        "Time from receiving a request to sending the last byte of its response.",
        ["method", "route"],
        buckets=DURATION_BUCKETS,
        registry=theirs,
    )
    series = RequestSeries()
    ours.register(series)
    seconds = [0.0, *DURATION_BUCKETS, *(bound * 1.01 for bound in DURATION_BUCKETS), 0.3, 301.0]
    for number, value in enumerate(seconds):
        method, route, status = (
            ("GET", "/api/samples/{sample_id}", 200) if number % 3 else ("POST", 'a"b\\', 404)
        )
        requests.labels(method, route, str(status)).inc()
        duration.labels(method, route).observe(value)
        series.observe(method, route, status, value)

    assert sorted(generate_latest(ours).splitlines()) == sorted(generate_latest(theirs).splitlines())


async def test_metrics_need_no_credentials_on_the_public_api(public_client):
    await public_client.get("/api/health")
    samples = await scrape(public_client)
    assert requests_total(samples, "GET", "/api/health", 200) == 1


async def test_metrics_count_jobs_by_state(jobs_client, factory):
    sample = await factory.sample()
    first = await factory.create_sample_job(sample)
    await factory.create_sample_job(sample)
    await factory.create_sample_job(sample)
    await acquire(jobs_client, first["_id"])

    samples = await scrape(jobs_client)

    assert samples[("virtool_jobs", (("state", "waiting"),))] == 2
    assert samples[("virtool_jobs", (("state", "preparing"),))] == 1
    assert samples[("virtool_jobs", (("state", "complete"),))] == 0


async def test_metrics_count_uploaded_and_downloaded_bytes(jobs_client, factory):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    path = f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz"
    response = await jobs_client.put(path, data=multipart_file(FASTQ_GZ), headers=auth)
    assert response.status == 201, await response.text()
    response = await jobs_client.get(path, headers=auth)
    assert response.status == 200
    assert await response.read() == FASTQ_GZ

    samples = await scrape(jobs_client)

    route = (("route", "/api/samples/{sample_id}/reads/{name}"),)
    uploaded = samples[("virtool_http_uploaded_bytes_total", route)]
    # The multipart body: the file plus its part headers and boundaries.
    assert len(FASTQ_GZ) < uploaded < len(FASTQ_GZ) + 1024
    assert samples[("virtool_http_downloaded_bytes_total", route)] == len(FASTQ_GZ)


async def test_metrics_of_two_apps_are_separate(ctx, aiohttp_client):
    public = await aiohttp_client(create_public_app(ctx))
    jobs = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    await public.get("/api/health")
    await public.get("/api/health")
    await jobs.get("/api/health")

    assert requests_total(await scrape(public), "GET", "/api/health", 200) == 2
    assert requests_total(await scrape(jobs), "GET", "/api/health", 200) == 1
