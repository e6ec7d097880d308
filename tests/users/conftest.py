"""Fixtures the users tests share."""

import pytest

from tests.support.account_sessions import PASSWORD
from virtool_api.users import passwords


@pytest.fixture
async def bob(ctx, factory):
    """`(user, api key headers)` for `bob`, whose password is PASSWORD."""
    user, headers = await factory.person(handle="bob")
    await ctx.db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"password": await passwords.hash_password(PASSWORD)}}
    )
    return user, headers
