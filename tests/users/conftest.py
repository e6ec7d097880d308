"""Fixtures the users tests share: an administrator called `root` and a person called `bob`, each
`(user, headers)` (`admin` here replaces tests/conftest.py's, whose handle is random), and `bob` with a
password, for signing in."""

import pytest

from tests.support.account_sessions import PASSWORD
from virtool_api.users import passwords


@pytest.fixture
async def admin(factory):
    return await factory.person(administrator=True, handle="root")


@pytest.fixture
async def person(factory):
    return await factory.person(handle="bob")


@pytest.fixture
async def bob(ctx, factory):
    """`(user, api key headers)` for `bob`, whose password is PASSWORD."""
    user, headers = await factory.person(handle="bob")
    await ctx.db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"password": await passwords.hash_password(PASSWORD)}}
    )
    return user, headers
