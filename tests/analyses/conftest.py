"""Fixtures the analyses tests share: the people who own and who merely see the analysed samples."""

import pytest


@pytest.fixture
async def owner(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


@pytest.fixture
async def stranger(factory):  # type: ignore[no-untyped-def]
    return await factory.person()
