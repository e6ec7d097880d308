"""Fixtures the index tests share."""

import pytest

from tests.support.references_helpers import import_reference


@pytest.fixture
async def reference(public_client, admin):
    return await import_reference(public_client, admin[1])
