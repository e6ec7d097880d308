from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from virtool_api.models import StrictModel, Timestamp, UserRef

ProjectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Description = Annotated[str, StringConstraints(max_length=1000)]


class ProjectMember(StrictModel):
    """A member and what they may do: add samples, edit them (write right), see files, manage the project."""

    user_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    can_add_files: StrictBool = False
    can_edit_metadata: StrictBool = False
    can_see_files: StrictBool = True
    can_administer: StrictBool = False


class Project(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    id: str
    name: str
    description: str
    owner: UserRef
    members: list[ProjectMember]
    created_at: Timestamp
    updated_at: Timestamp | None = None


class CreateProjectRequest(StrictModel):
    name: ProjectName
    description: Description = ""
    members: list[ProjectMember] = Field(default_factory=list, max_length=1000)


class UpdateProjectRequest(StrictModel):
    """A key left out is unchanged; `members` replaces the whole list. None may be null."""

    name: ProjectName | None = None
    description: Description | None = None
    members: list[ProjectMember] | None = Field(default=None, max_length=1000)

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value
