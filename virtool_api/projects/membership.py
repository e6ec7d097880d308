"""A user's entry in a project: what the project's rules and the sample rights both ask."""

from typing import Any


def project_membership(project: dict[str, Any] | None, user_id: str) -> dict[str, Any] | None:
    """The caller's member entry in a project document, if any."""
    if project is None:
        return None
    for member in project.get("members", []):
        if member.get("user_id") == user_id:
            return member
    return None
