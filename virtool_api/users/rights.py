"""Rights that depend only on who the caller is: administrators, and owners of a document."""

from typing import Any

from virtool_api.errors import InsufficientRights


def require_administrator(user: dict[str, Any]) -> None:
    """403 "Insufficient rights" unless `user` is an administrator."""
    if not user.get("administrator"):
        raise InsufficientRights()


def require_owner_or_administrator(user: dict[str, Any], document: dict[str, Any]) -> None:
    """403 "Insufficient rights" unless `user` is an administrator or the document's `user` (its creator)."""
    if not user.get("administrator") and document["user"]["id"] != user["_id"]:
        raise InsufficientRights()
