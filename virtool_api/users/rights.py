"""Who may manage identities: administrators only."""

from typing import Any

from virtool_api.errors import InsufficientRights


def require_administrator(user: dict[str, Any]) -> None:
    """403 "Insufficient rights" unless `user` is an administrator."""
    if not user.get("administrator"):
        raise InsufficientRights()
