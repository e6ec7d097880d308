from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from virtool_api.models import StrictModel, Timestamp, UserRef

TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Tag(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    id: str
    name: str
    user: UserRef
    created_at: Timestamp


class CreateTagRequest(StrictModel):
    name: TagName
