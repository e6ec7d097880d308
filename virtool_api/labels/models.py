from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints, field_validator

from virtool_api.models import StrictModel

LabelName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
"""`#RRGGBB`."""
Description = Annotated[str, StringConstraints(max_length=1000)]


class Label(BaseModel):
    id: str
    name: str
    color: str
    description: str = ""


class CreateLabelRequest(StrictModel):
    name: LabelName
    color: Color = "#A0AEC0"
    description: Description = ""


class UpdateLabelRequest(StrictModel):
    """A key left out is unchanged; none may be null."""

    name: LabelName | None = None
    color: Color | None = None
    description: Description | None = None

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value
