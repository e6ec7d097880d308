"""Throttling failed sign-ins, by handle and by address, even for attempts sent at once; and hashing their
passwords holds up no other request."""

import asyncio
from datetime import timedelta

import pytest

from tests.support.account_sessions import login, trusted_proxy_config  # noqa: F401  (a fixture)
from tests.support.analysis_jobs import running_analysis
from tests.support.workflow_results import PATHOSCOPE_RESULTS
from virtool_api.utils import utc_now

THROTTLED = {"id": "too_many_requests", "message": "Too many failed sign-in attempts; try again in a minute"}


# --- throttling ---


async def test_ten_failures_for_a_handle_are_throttled(public_client, bob):
    for attempt in range(10):
        # Each from its own address: the handle's count is what stops the eleventh.
        response = await login(
            public_client, password="wrong guess", **{"X-Forwarded-For": f"10.0.0.{attempt}"}
        )
        assert response.status == 400
    throttled = await login(public_client, **{"X-Forwarded-For": "10.0.1.1"})  # even the right password
    assert throttled.status == 429
    assert await throttled.json() == THROTTLED
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    assert "Set-Cookie" not in throttled.headers


async def test_ten_failures_from_an_address_are_throttled(public_client, bob, factory):
    for attempt in range(10):
        response = await login(public_client, handle=f"guess{attempt}", **{"X-Forwarded-For": "192.0.2.7"})
        assert response.status == 400
    response = await login(public_client, **{"X-Forwarded-For": "192.0.2.7"})
    assert response.status == 429
    assert await response.json() == THROTTLED
    # Someone else, from another address, signs in as usual.
    assert (await login(public_client, **{"X-Forwarded-For": "192.0.2.8"})).status == 200


async def test_throttle_forgets_failures_after_a_minute(public_client, ctx, bob):
    for _ in range(10):
        await login(public_client, password="wrong guess")
    assert (await login(public_client)).status == 429
    await ctx.db.sign_in_attempts.update_many({}, {"$set": {"until": utc_now() - timedelta(seconds=1)}})
    assert (await login(public_client)).status == 200


async def test_unknown_handles_are_throttled_alike(public_client):
    for _ in range(10):
        await login(
            public_client, handle="ghost", password="wrong guess", **{"X-Forwarded-For": "198.51.100.1"}
        )
    response = await login(public_client, handle="ghost", **{"X-Forwarded-For": "198.51.100.2"})
    assert response.status == 429
    assert await response.json() == THROTTLED


async def test_forty_sign_ins_at_once_for_one_handle_check_at_most_ten_passwords(public_client, ctx, bob):
    """Each attempt takes one of the handle's ten slots before its password is hashed: of 40 sent together
    (from 40 addresses), at most ten are checked and the rest get 429, the right password among them."""
    wrong = [
        login(public_client, password=f"guess number {n}", **{"X-Forwarded-For": f"10.1.0.{n}"})
        for n in range(39)
    ]
    right = login(public_client, **{"X-Forwarded-For": "10.1.0.200"})

    answers = await asyncio.gather(*wrong, right)

    statuses = [answer.status for answer in answers]
    assert statuses.count(400) + statuses.count(200) <= 10, statuses
    assert statuses.count(429) >= 30
    assert set(statuses) <= {200, 400, 429}
    if answers[-1].status == 429:
        assert await ctx.db.sessions.count_documents({}) == 0
    assert await ctx.db.sign_in_attempts.count_documents({"_id": {"$regex": "^handle:bob:"}}) <= 10


async def test_a_burst_from_one_address_checks_at_most_ten_passwords(public_client, ctx, bob):
    answers = await asyncio.gather(
        *(
            login(
                public_client,
                handle=f"someone{n}",
                password="wrong guess",
                **{"X-Forwarded-For": "192.0.2.99"},
            )
            for n in range(60)
        )
    )
    statuses = [answer.status for answer in answers]
    assert statuses.count(400) == 10, statuses
    assert statuses.count(429) == 50
    # The slots of the handles whose attempt was throttled by the address were given back.
    assert await ctx.db.sign_in_attempts.count_documents({"_id": {"$regex": "^handle:"}}) == 10


async def test_a_successful_sign_in_gives_its_slots_back(public_client, bob):
    for _ in range(15):
        assert (await login(public_client, **{"X-Forwarded-For": "192.0.2.50"})).status == 200


@pytest.mark.real_password_cost
async def test_password_hashing_does_not_hold_up_other_requests(public_client, jobs_client, factory, ctx):
    """Sign-ins hash on a thread of their own: while a burst of them waits for it, an administrator's
    `GET /api/analyses/{id}` (its results read on the shared thread pool) is answered before they are."""
    analysis, _, auth = await running_analysis(factory, jobs_client)
    finalized = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}", json={"results": PATHOSCOPE_RESULTS}, headers=auth
    )
    assert finalized.status == 200
    _, admin = await factory.person(administrator=True)

    sign_ins = [
        asyncio.ensure_future(
            login(
                public_client,
                handle=f"visitor{n}",
                password="wrong guess",
                **{"X-Forwarded-For": f"10.2.0.{n}"},
            )
        )
        for n in range(18)
    ]
    await asyncio.wait(sign_ins, return_when=asyncio.FIRST_COMPLETED)  # hashing is under way
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    still_hashing = sum(not sign_in.done() for sign_in in sign_ins)

    assert response.status == 200
    assert (await response.json())["results"] == PATHOSCOPE_RESULTS
    assert still_hashing >= 12, f"only {still_hashing} of 18 sign-ins were still waiting"
    assert [answer.status for answer in await asyncio.gather(*sign_ins)] == [400] * 18
