from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from virtool_api.models import StrictModel, Timestamp, UserRef
from virtool_api.pagination import Page, PageQuery

DataType = Literal["genome", "barcode"]


class IndexSummary(BaseModel):
    id: str
    version: int


class Reference(BaseModel):
    id: str
    name: str
    data_type: DataType = "genome"
    organism: str = ""
    created_at: Timestamp | None = None
    user: UserRef | None = None
    otu_count: int = 0
    latest_index: IndexSummary | None = None
    """The newest ready index: what a new analysis of this reference uses."""
    imported_from: dict[str, Any] | None = None
    """`{id, name}` of the upload the reference was imported from, or null."""


class ReferenceRef(BaseModel):
    id: str
    name: str
    data_type: DataType = "genome"


class CreateReferenceRequest(StrictModel):
    """An empty reference (`name`), or one imported from an uploaded export (`import_from`, an upload id of
    type `reference`; `name` then defaults to the export's)."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    data_type: DataType | None = None
    import_from: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _name_or_import(self) -> "CreateReferenceRequest":
        if self.name is None and self.import_from is None:
            raise ValueError("name or import_from is required")
        return self


class Sequence(BaseModel):
    id: str
    accession: str
    definition: str
    host: str | None = ""
    segment: str | None = None
    sequence: str


class Isolate(BaseModel):
    id: str
    default: bool
    source_type: str
    source_name: str
    sequences: list[Sequence]


class OTUMinimal(BaseModel):
    id: str
    name: str
    abbreviation: str
    version: int
    reference: dict[str, str]
    isolate_count: int


class OTU(BaseModel):
    id: str
    name: str
    abbreviation: str
    version: int
    reference: dict[str, str]
    otu_schema: list[dict[str, Any]] = Field(default_factory=list, serialization_alias="schema")
    isolates: list[Isolate]


class OTUSearchQuery(PageQuery):
    find: str | None = None


ReferenceSearchResult = Page[Reference]
OTUSearchResult = Page[OTUMinimal]
