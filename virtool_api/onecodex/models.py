"""One Codex's v1 wire format, as its Python client (`onecodex` 1.2.0) sends and validates it.

Resources name each other by URI: `{"$uri": "/api/v1/samples/{id}"}` on a resource, `{"$ref": ...}` where one
points at another. Timestamps are RFC 3339 with an offset (`2024-05-01T12:00:00.123000+00:00`).
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StringConstraints,
    field_validator,
)

from virtool_api.models import StrictModel
from virtool_api.pagination import MAX_PAGE, MAX_PER_PAGE
from virtool_api.samples.models import SampleStatus, Visibility
from virtool_api.utils import as_utc

BASE = "/api/v1"


def uri(collection: str, resource_id: str) -> str:
    """`/api/v1/{collection}/{id}`: how One Codex names a resource."""
    return f"{BASE}/{collection}/{resource_id}"


def rfc3339(value: datetime) -> str:
    return as_utc(value).isoformat()


RFC3339 = Annotated[
    datetime, AfterValidator(as_utc), PlainSerializer(rfc3339, return_type=str, when_used="json")
]
"""A UTC datetime as `2024-05-01T12:00:00.123000+00:00` (the client parses it with `fromisoformat`)."""


class Ref(BaseModel):
    """A reference to another resource: `{"$ref": "/api/v1/projects/{id}"}`."""

    model_config = ConfigDict(populate_by_name=True)

    ref: str = Field(alias="$ref")


def ref(collection: str, resource_id: str) -> Ref:
    return Ref.model_validate({"$ref": uri(collection, resource_id)})


class V1Tag(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    name: str


class V1User(BaseModel):
    """One Codex identifies users by email; ours have none, so `email` is null and `handle` says who it is."""

    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    email: str | None = None
    handle: str


class V1Project(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    name: str
    description: str | None = None
    external_id: str | None = None
    owner: Ref | None
    permissions: list[str] = Field(description="What the caller may do in the project.")
    project_name: str | None = Field(
        default=None, description="One Codex's short handle for a project; projects here have none."
    )
    public: bool = False


class V1Metadata(BaseModel):
    """The metadata record of a sample: the sample's free-form `metadata` fields, with One Codex's defaults
    for `custom` and `starred`. Keys other clients stored there are passed through unchanged.
    """

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    uri: str = Field(alias="$uri")
    sample: Ref
    custom: dict[str, Any] = Field(default_factory=dict)
    starred: bool = False


class V1Sample(BaseModel):
    """A sample as One Codex renders it. `updated_at` is never null (the client cannot parse null): a
    sample with no recorded change reports its creation time.
    """

    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    created_at: RFC3339
    updated_at: RFC3339
    status: SampleStatus
    visibility: Visibility
    filename: str | None = None
    size: int | None = None
    error_msg: str | None = None
    owner: Ref
    metadata: V1Metadata | Ref
    primary_classification: None = Field(
        default=None, description="Classifications are not made here: always null."
    )
    project: Ref | None = None
    tags: list[V1Tag | Ref] = Field(default_factory=list)


Expand = Literal["all"] | None
EXPAND_DESCRIPTION = "`all` embeds a sample's tags and metadata record."


class V1PageQuery(BaseModel):
    """A listing as the client asks for it, paged by `page`; `where` and `sort` are JSON (Potion's query
    language).
    """

    where: str = Field(default="{}", max_length=100_000, description='JSON, e.g. `{"name": "grapevine"}`')
    sort: str = Field(default="{}", max_length=1_000, description='JSON, e.g. `{"created_at": true}`')
    per_page: int = Field(default=MAX_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    expand: Expand = Field(default=None, description=EXPAND_DESCRIPTION)


class V1ListQuery(V1PageQuery):
    """A sample listing: paged by `page`, or by `cursor` (with `X-Pagination-Style: cursor`, or whenever a
    cursor is given).
    """

    cursor: str | None = Field(
        default=None, max_length=1_000, description="`X-Next-Cursor` of the previous page."
    )


class V1GetQuery(BaseModel):
    expand: Expand = Field(default=None, description=EXPAND_DESCRIPTION)


def _reference_pattern(collection: str) -> str:
    return rf"^/api(?:/v1)?/{collection}/([^/]{{1,16}})$"


class RefToProject(StrictModel):
    ref: Annotated[str, StringConstraints(pattern=_reference_pattern("projects"))] = Field(alias="$ref")


class RefToTag(StrictModel):
    ref: Annotated[str, StringConstraints(pattern=_reference_pattern("tags"))] = Field(alias="$ref")


ResourceId = Annotated[str, StringConstraints(min_length=1, max_length=16)]


def referenced_id(value: str | RefToProject | RefToTag) -> str:
    """The id in `{"$ref": "/api/v1/{collection}/{id}"}` (or `/api/{collection}/{id}`), or the id itself."""
    if isinstance(value, str):
        return value
    return value.ref.rsplit("/", 1)[1]


class V1SampleUpdate(StrictModel):
    """One Codex's `PATCH /api/v1/samples/{id}`: only sharing and tags change; any other key is a 400.

    `project` is `{"$ref"}`, an id (at most 16 characters) or null (out of its project); `tags` replaces the
    list. A key left out is unchanged; only `project` may be null.
    """

    visibility: Visibility | None = None
    project: RefToProject | ResourceId | None = None
    tags: list[RefToTag | ResourceId] | None = None

    @field_validator("visibility", "tags", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The keys sent, as `samples.models.UpdateSampleRequest` takes them (plain ids)."""
        changes: dict[str, Any] = {}
        if "visibility" in self.model_fields_set:
            changes["visibility"] = self.visibility
        if "project" in self.model_fields_set:
            changes["project"] = None if self.project is None else referenced_id(self.project)
        if "tags" in self.model_fields_set and self.tags is not None:
            changes["tags"] = [referenced_id(tag) for tag in self.tags]
        return changes


ShortText = Annotated[str, StringConstraints(max_length=255)]
CustomKey = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^.$\x00][^.\x00]*$")]


def _within_64_bits(value: Any) -> Any:
    """A document store holds 64-bit integers; a larger one would silently become an inexact float."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        raise ValueError("integer outside the 64-bit range")
    return value


CustomValue = Annotated[
    Annotated[str, StringConstraints(max_length=10_000)]
    | int
    | Annotated[float, Field(allow_inf_nan=False)]
    | bool
    | None,
    BeforeValidator(_within_64_bits),
]
"""A `custom` value as a document store holds it (see storage/limits.py): 64-bit integers, finite numbers."""


class V1MetadataUpdate(StrictModel):
    """One Codex's metadata PATCH: these keys, validated as One Codex does; any other key is a 400.

    `custom` replaces the whole object and holds one level of strings, numbers, booleans and nulls (keys
    without `.` or a leading `$`). Dates are stored as RFC 3339 strings.
    """

    custom: dict[CustomKey, CustomValue] | None = Field(default=None, max_length=1_000)
    date_collected: RFC3339 | None = None
    date_sequenced: RFC3339 | None = None
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    external_sample_id: Annotated[str, StringConstraints(max_length=60)] | None = None
    library_type: ShortText | None = None
    location_lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    location_lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    location_string: ShortText | None = None
    name: ShortText | None = None
    platform: ShortText | None = None
    sample_type: ShortText | None = None
    starred: StrictBool | None = None

    @field_validator("starred", "custom", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The keys sent, as stored: JSON values (dates as RFC 3339 strings)."""
        return self.model_dump(mode="json", include=self.model_fields_set)
