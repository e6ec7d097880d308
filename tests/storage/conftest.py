"""Fixtures the storage tests share."""

from typing import Any

import pytest

from tests.conftest import Factory
from virtool_api.context import Context
from virtool_api.projects.models import CreateProjectRequest, ProjectMember
from virtool_api.projects.service import create_project


@pytest.fixture
async def member(ctx: Context, factory: Factory) -> dict[str, Any]:
    """A non-administrator in a group and in a project of someone else's: every clause of the rights rule
    (their listings read their projects first)."""
    owner, _ = await factory.person()
    user, _ = await factory.person(groups=["technicians"])
    request = CreateProjectRequest(name="Grapevine survey", members=[ProjectMember(user_id=user["_id"])])
    await create_project(ctx, owner, request)
    return user
