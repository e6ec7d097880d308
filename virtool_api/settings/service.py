"""Server settings: one document, `settings` `_id: "server"`; missing keys take their defaults."""

from typing import Any

from pymongo import ReturnDocument

from virtool_api.context import Context
from virtool_api.settings.models import Settings, UpdateSettingsRequest
from virtool_api.users.rights import require_administrator

SETTINGS_ID = "server"


async def get_settings(ctx: Context) -> Settings:
    document = await ctx.db.settings.find_one({"_id": SETTINGS_ID}) or {}
    return Settings.model_validate(document)


async def update_settings(ctx: Context, user: dict[str, Any], update: UpdateSettingsRequest) -> Settings:
    """Administrators only; the document is created on first change."""
    require_administrator(user)
    document = await ctx.db.settings.find_one_and_update(
        {"_id": SETTINGS_ID},
        {"$set": update.model_dump(exclude_unset=True)},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    return Settings.model_validate(document)
