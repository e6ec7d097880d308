"""What the operations tests share: the newest schema revision, and `/metrics` read as numbers."""

from prometheus_client.parser import text_string_to_metric_families

from virtool_api.storage import revision

HEAD = revision.head_revision()


async def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:  # type: ignore[no-untyped-def]
    """`/metrics` as `{(sample name, sorted labels): value}`."""
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples
