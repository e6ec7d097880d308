"""Request and response models for users, groups and API keys."""

from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictBool, StringConstraints, field_validator

from virtool_api.models import IdNameRef, StrictModel, Timestamp

Handle = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
"""1 to 64 letters, digits, `_`, `.` or `-`: safe in a URL, a log line and `handle:key` Basic credentials."""

GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

KeyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PatchModel(StrictModel):
    """PATCH bodies: a key left out is unchanged; a key sent as `null` is an error, not "unset"."""

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class CreateUserRequest(StrictModel):
    handle: Handle
    administrator: StrictBool = False
    groups: list[str] = Field(default_factory=list)


Password = Annotated[str, StringConstraints(max_length=1024)]
"""Shape only; the rules (length, not the handle) are the service's (users/passwords.py): 400."""


class UpdateUserRequest(PatchModel):
    administrator: StrictBool | None = None
    groups: list[str] | None = None
    active: StrictBool | None = None
    password: Password | None = Field(
        default=None, description="Set or reset the user's password; ends all of their sessions."
    )


class User(BaseModel):
    id: str
    handle: str
    administrator: bool
    groups: list[IdNameRef]
    active: bool
    has_password: bool = Field(description="Whether the user can sign in with a password.")
    created_at: Timestamp


class SignInRequest(StrictModel):
    handle: Annotated[str, StringConstraints(max_length=256)]
    password: Password
    remember: StrictBool = Field(default=False, description="Keep the session for 30 days instead of one.")


class UpdateAccountRequest(StrictModel):
    old_password: Password | None = Field(
        default=None, description="The current password; not needed when the user has none yet."
    )
    password: Password


class CreatedUser(User):
    key: str = Field(description="The user's first API key, shown only in this response.")


class SetupRequest(StrictModel):
    token: Annotated[str, StringConstraints(max_length=256)] | None = Field(
        default=None, description="The one-time setup token in the link the server printed at its start."
    )
    handle: Handle
    password: Password


class SetupState(BaseModel):
    required: bool = Field(description="Whether the first administrator is still to be created.")


class CreateGroupRequest(StrictModel):
    name: GroupName
    restrict_sharing: StrictBool = False


class UpdateGroupRequest(PatchModel):
    name: GroupName | None = None
    restrict_sharing: StrictBool | None = None


class Group(BaseModel):
    id: str
    name: str
    restrict_sharing: bool
    created_at: Timestamp


class CreateKeyRequest(StrictModel):
    name: KeyName


class ApiKey(BaseModel):
    """A key as its owner sees it later: never the key itself, never its hash."""

    id: str
    name: str
    created_at: Timestamp


class CreatedApiKey(ApiKey):
    key: str = Field(description="The plaintext key, shown only in this response.")
