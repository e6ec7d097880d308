import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
)

from virtool_api.api.model_fields import FieldsWriter
from virtool_api.errors import Conflict, InvalidInput
from virtool_api.jobs.models import JobSummary
from virtool_api.models import FileFormat, IdNameRef, StrictModel, Timestamp, UserRef
from virtool_api.pagination import PageQuery
from virtool_api.utils import MAX_RECORD_ID


class LibraryType(StrEnum):
    NORMAL = "normal"
    SRNA = "srna"
    AMPLICON = "amplicon"
    OTHER = "other"


ArtifactType = FileFormat


class SampleStatus(StrEnum):
    """Where a sample is in its life (One Codex's values; `validating` and `deleted` are never set here)."""

    AWAITING_DATA = "awaiting_data"
    IMPORTING = "importing"
    VALIDATING = "validating"
    FAILED_VALIDATION = "failed_validation"
    AVAILABLE = "available"
    DELETED = "deleted"


class Visibility(StrEnum):
    PUBLIC = "public"
    SHARED = "shared"
    PRIVATE = "private"
    IMPORTING = "importing"
    AWAITING_DATA = "awaiting data"


READS_FILE_NAMES = ("reads_1.fq.gz", "reads_2.fq.gz")

WorkflowState = Literal["complete", "incompatible", "none", "pending"]


class Quality(BaseModel):
    """What a create-sample job measured; analysis workflows read `length[1]`."""

    bases: list[list[float]]
    composition: list[list[float]]
    count: int
    encoding: str
    gc: float
    length: list[int] = Field(min_length=2, max_length=2)
    sequences: list[int]


class Label(BaseModel):
    id: int | str
    name: str
    color: str
    description: str = ""


class Workflows(BaseModel):
    aodp: WorkflowState = "none"
    nuvs: WorkflowState = "none"
    pathoscope: WorkflowState = "none"


class SampleReadsFile(BaseModel):
    id: int
    name: str
    name_on_disk: str
    size: int
    sample: str
    uploaded_at: Timestamp
    download_url: str
    upload: int | None = None


class SampleArtifactFile(BaseModel):
    id: int
    name: str
    name_on_disk: str
    size: int
    type: str
    uploaded_at: Timestamp
    download_url: str


class Reference(BaseModel):
    """A link to another resource, as One Codex writes it: `{"$ref": "/api/projects/{id}"}`."""

    model_config = ConfigDict(populate_by_name=True)

    ref: str = Field(alias="$ref")


def project_reference(project_id: str | None) -> dict[str, str] | None:
    """A sample's project as its model (`Reference`) takes it: validated with the sample, not alone."""
    return None if project_id is None else {"$ref": f"/api/projects/{project_id}"}


def tag_reference(tag_id: str) -> dict[str, str]:
    return {"$ref": f"/api/tags/{tag_id}"}


class SampleSummary(BaseModel):
    """A sample in a listing: what identifies it and where it is in its life, without files or quality."""

    model_config = ConfigDict(populate_by_name=True)

    uri: str = Field(alias="$uri")
    id: str
    name: str
    created_at: Timestamp
    updated_at: Timestamp | None = None
    host: str
    isolate: str
    locale: str
    notes: str
    labels: list[Label]
    library_type: LibraryType
    nuvs: bool | str
    pathoscope: bool | str
    workflows: Workflows
    ready: bool
    user: UserRef
    owner: UserRef
    group: str | None = None
    job: JobSummary | None = None
    status: SampleStatus
    error_msg: str | None = None
    visibility: Visibility
    project: Reference | None = None
    tags: list[Reference] = Field(default_factory=list)
    filename: str | None = None
    size: int | None = None


class Sample(SampleSummary):
    """The full sample: the fields workflow clients validate strictly (`tests/support/runner_models.py`)
    beside One Codex's (`owner`, `status`, `visibility`, `project`, `tags`, `filename`, `size`, `metadata`,
    `error_msg`).
    """

    imported: bool = False
    archived: bool = False
    all_read: bool
    all_write: bool
    group_read: bool
    group_write: bool
    hold: bool
    is_legacy: bool
    format: str
    paired: bool
    reads: list[SampleReadsFile]
    artifacts: list[SampleArtifactFile]
    subtractions: list[IdNameRef]
    quality: Quality | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


SAMPLE_JSON = FieldsWriter(Sample)
"""A `GET`'s sample written from its fields validated into dicts, not `Sample`'s instances (`shown_sample`):
272k -> 219k instructions of the request's 1.34M."""


class SampleSearchResult(BaseModel):
    documents: list[SampleSummary]
    found_count: int
    total_count: int
    page: int
    page_count: int
    per_page: int


class SampleSearchQuery(PageQuery):
    find: str | None = Field(default=None, max_length=256)
    label: str | None = None
    tag: str | None = None
    project: str | None = None
    visibility: Visibility | None = None
    status: SampleStatus | None = None
    ready: bool | None = None


ResourceId = Annotated[str, StringConstraints(min_length=1, max_length=16)]
"""An id of a project or tag as a plain string (One Codex: at most 16 characters)."""


class StrictReference(StrictModel):
    ref: str = Field(alias="$ref")


def _reference_id(collection: str) -> Any:
    pattern = re.compile(rf"^/api/{collection}/([^/]{{1,16}})$")

    def resolve(value: str | StrictReference) -> str:
        if isinstance(value, StrictReference):
            match = pattern.match(value.ref)
            if match is None:
                raise ValueError(f"must reference /api/{collection}/{{id}}")
            return match.group(1)
        return value

    return resolve


ProjectId = Annotated[ResourceId | StrictReference, AfterValidator(_reference_id("projects"))]
"""A project given by id or by `{"$ref": "/api/projects/{id}"}`; validates to the id (a `str`)."""

TagId = Annotated[ResourceId | StrictReference, AfterValidator(_reference_id("tags"))]
"""A tag given by id or by `{"$ref": "/api/tags/{id}"}`; validates to the id."""

SampleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
ShortText = Annotated[str, StringConstraints(max_length=256)]
Notes = Annotated[str, StringConstraints(max_length=10_000)]
IdList = list[Annotated[str, StringConstraints(min_length=1, max_length=64)]]


class CreateSampleRequest(StrictModel):
    name: SampleName
    host: ShortText = ""
    isolate: ShortText = ""
    locale: ShortText = ""
    library_type: LibraryType = LibraryType.NORMAL
    notes: Notes = ""
    labels: IdList = Field(default_factory=list)
    subtractions: IdList = Field(default_factory=list)
    group: str | None = None
    project: ProjectId | None = None
    tags: list[TagId] = Field(default_factory=list)
    visibility: Visibility = Visibility.PRIVATE
    files: list[Annotated[int, Field(ge=1, le=MAX_RECORD_ID)]] = Field(min_length=1, max_length=2)


class UpdateSampleRequest(StrictModel):
    """Only these keys may change; any other key (unknown or read-only) is a 400 naming it.

    A key left out is unchanged. `project: null` takes the sample out of its project; no other key
    may be null.
    """

    name: SampleName | None = None
    host: ShortText | None = None
    isolate: ShortText | None = None
    locale: ShortText | None = None
    notes: Notes | None = None
    labels: IdList | None = None
    subtractions: IdList | None = None
    visibility: Visibility | None = None
    project: ProjectId | None = None
    tags: list[TagId] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name != "project":
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The keys the caller sent, with their values (only `project` may be None)."""
        return {key: getattr(self, key) for key in self.model_fields_set}


class UpdateRightsRequest(StrictModel):
    """`group: null` leaves the sample in no group; the four flags may not be null."""

    group: str | None = None
    group_read: StrictBool | None = None
    group_write: StrictBool | None = None
    all_read: StrictBool | None = None
    all_write: StrictBool | None = None

    @field_validator("group_read", "group_write", "all_read", "all_write", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.model_fields_set}


class SampleRightsDocument(BaseModel):
    group: str | None = None
    group_read: bool
    group_write: bool
    all_read: bool
    all_write: bool


class InvalidSampleField(InvalidInput):
    """A request body with a key that may not be sent or a value out of range: 422 like every other body of
    the wrong shape (`errors` naming each field), with a message that names the fields too."""

    described = (
        "Unknown or read-only field: {field}",
        "Invalid value for field: {field}",
        InvalidInput.default_message,
    )

    def __init__(self, message: str | None = None, **extra: Any):
        errors: dict[str, list[str]] = extra.get("errors") or {}
        if message is None and errors:
            fields = sorted({location.split(".")[0] for location in errors})
            unknown = [
                field
                for field in fields
                if any("Extra inputs are not permitted" in msg for msg in errors.get(field, []))
            ]
            if unknown:
                message = "Unknown or read-only field: " + ", ".join(unknown)
            else:
                message = "Invalid value for field: " + ", ".join(fields)
        super().__init__(message, **extra)


class FinalizeSampleRequest(BaseModel):
    quality: Quality


class ArtifactQuery(BaseModel):
    name: str
    type: str


SAMPLE_FINALIZED = Conflict.declare("Sample already finalized")
"""409 for anything that needs a sample still being built (finalize twice, upload after finalizing)."""
