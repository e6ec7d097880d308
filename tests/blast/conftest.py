"""Fixtures the BLAST tests share: every app here BLASTs at NCBI's URL API, faked (`fake_ncbi`)."""

from dataclasses import replace

import pytest

from tests.support.fake_ncbi import fake_ncbi  # noqa: F401  (a fixture)


@pytest.fixture
def config(config, fake_ncbi):  # noqa: F811
    return replace(config, blast_backend="ncbi", blast_ncbi_url=fake_ncbi.url, blast_min_request_interval=0)
