"""Setting up: the first administrator, created in a browser with a one-time setup token.

While no active administrator exists, every start of the public API issues a setup token and prints a link
holding it (`serve`, cli.py). Whoever opens the link chooses the first administrator's handle and password
(`POST /api/setup`). Only SHA-256 hashes of the tokens are stored, in one document of `setup`, so replicas
started together each print a link that works. A token is compared in constant time; the first creation that
claims the document (one conditional update) is the only one: a concurrent one gets 409, and once the
administrator exists the document is removed, so every token printed so far stops working.
"""

import hashlib
import hmac
import secrets

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, InsufficientRights
from virtool_api.users.keys import create_api_key
from virtool_api.users.models import CreatedUser, SetupRequest
from virtool_api.users.passwords import check_password_rules, hash_password
from virtool_api.users.service import create_user, has_administrator, render_user
from virtool_api.users.sessions import create_session

SETUP_ID = "first_administrator"
ALREADY_SET_UP = Conflict.declare("The first administrator already exists")
INVALID_SETUP_TOKEN = InsufficientRights.declare("Invalid setup token")
SETUP_PATH = "/setup"
"""The web client's page for the first administrator (the printed link adds `?token=`)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_setup_token(ctx: Context) -> str | None:
    """A new setup token while no active administrator exists (its hash stored beside the ones issued by
    earlier or concurrent starts); None once one does."""
    if await has_administrator(ctx):
        return None
    token = secrets.token_urlsafe(32)
    await ctx.db.setup.update_one(
        {"_id": SETUP_ID},
        {"$addToSet": {"tokens": _hash(token)}, "$setOnInsert": {"claimed": False}},
        upsert=True,
    )
    return token


async def setup_required(ctx: Context) -> bool:
    """Whether the first administrator is still to be made (the web client then offers to, instead of
    signing in)."""
    return not await has_administrator(ctx)


async def _matching_hash(ctx: Context, token: str | None) -> str:
    """The stored hash `token` has, compared in constant time with every stored one; 403 when none."""
    document = await ctx.db.setup.find_one({"_id": SETUP_ID}) or {}
    given = _hash(token or "")
    matched = False
    for stored in document.get("tokens", []):
        matched |= hmac.compare_digest(given, stored)
    if token is None or not matched:
        if await has_administrator(ctx):  # made meanwhile, and the tokens removed
            raise ALREADY_SET_UP
        raise INVALID_SETUP_TOKEN
    return given


async def create_first_administrator(ctx: Context, request: SetupRequest) -> tuple[CreatedUser, str]:
    """The first administrator, with `request`'s handle and password, a first API key and a browser session:
    `(user with key, session token)`.

    409 once an active administrator exists (whatever the token), 403 for a missing or wrong token, 400 for a
    password that breaks the rules. Of concurrent requests with valid tokens exactly one claims the setup
    document and creates the administrator; the others get 409. A creation that fails after the claim (the
    handle is taken by a user who is not an administrator) gives the claim back.
    """
    if await has_administrator(ctx):
        raise ALREADY_SET_UP
    given = await _matching_hash(ctx, request.token)
    check_password_rules(request.handle, request.password)
    password = await hash_password(request.password)
    claimed = await ctx.db.setup.find_one_and_update(
        {"_id": SETUP_ID, "claimed": False, "tokens": given}, {"$set": {"claimed": True}}
    )
    if claimed is None:
        raise ALREADY_SET_UP
    try:
        document = await create_user(ctx, request.handle, administrator=True)
    except BadRequest:
        await ctx.db.setup.update_one({"_id": SETUP_ID}, {"$set": {"claimed": False}})
        raise
    await ctx.db.users.update_one({"_id": document["_id"]}, {"$set": {"password": password}})
    document["password"] = password
    await ctx.db.setup.delete_one({"_id": SETUP_ID})
    _, key = await create_api_key(ctx, document["_id"], "first key")
    _, session = await create_session(ctx, document["_id"], remember=False)
    user = await render_user(ctx, document)
    return CreatedUser.model_validate({**user.model_dump(), "key": key}), session
