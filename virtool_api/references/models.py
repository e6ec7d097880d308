from typing import Literal

from pydantic import BaseModel, Field

from virtool_api.models import StrictModel, Timestamp, UserRef
from virtool_api.pagination import Page

DataType = Literal["genome", "barcode"]


class IndexSummary(BaseModel):
    id: str
    version: int


class Reference(BaseModel):
    id: str
    name: str
    data_type: DataType = "genome"
    created_at: Timestamp | None = None
    user: UserRef | None = None
    latest_index: IndexSummary | None = None
    """The newest ready index: what a new analysis of this reference uses."""


class Index(BaseModel):
    id: str
    version: int
    ready: bool
    reference: dict[str, str]
    created_at: Timestamp
    user: UserRef


class Subtraction(BaseModel):
    id: str
    name: str
    ready: bool = True
    created_at: Timestamp | None = None
    user: UserRef | None = None


class CreateReferenceRequest(StrictModel):
    name: str = Field(min_length=1, max_length=255)
    data_type: DataType = "genome"


class CreateSubtractionRequest(StrictModel):
    name: str = Field(min_length=1, max_length=255)


ReferenceSearchResult = Page[Reference]
SubtractionSearchResult = Page[Subtraction]
