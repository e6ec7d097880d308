from pydantic import BaseModel, Field

from virtool_api.api.model_fields import FieldsWriter
from virtool_api.errors import Conflict
from virtool_api.jobs.models import JobSummary
from virtool_api.models import IdNameRef, StrictModel, Timestamp, UserRef
from virtool_api.pagination import Page

SUBTRACTION_FINALIZED = Conflict.declare("Subtraction is finalized")
SUBTRACTION_FILE_TYPES = {
    "subtraction.fa.gz": "fasta",
    "subtraction.1.bt2": "bowtie2",
    "subtraction.2.bt2": "bowtie2",
    "subtraction.3.bt2": "bowtie2",
    "subtraction.4.bt2": "bowtie2",
    "subtraction.rev.1.bt2": "bowtie2",
    "subtraction.rev.2.bt2": "bowtie2",
}
"""Every file a subtraction may have, by name, with its type (docs/api.md, "Job API")."""


class NucleotideComposition(StrictModel):
    a: float = Field(ge=0)
    c: float = Field(ge=0)
    g: float = Field(ge=0)
    t: float = Field(ge=0)
    n: float = Field(ge=0)


class SubtractionFileModel(BaseModel):
    id: int
    subtraction: str
    name: str
    type: str
    size: int
    download_url: str


class SubtractionUpload(BaseModel):
    id: int | str
    name: str


class SubtractionMinimal(BaseModel):
    id: str
    name: str
    nickname: str
    count: int | None = None
    created_at: Timestamp
    file: SubtractionUpload
    ready: bool
    user: UserRef | None = None
    job: JobSummary | None = None


class Subtraction(SubtractionMinimal):
    """The document analysis and create-subtraction runners read (`tests/support/runner_models.py`)."""

    files: list[SubtractionFileModel]
    gc: NucleotideComposition | None = None
    linked_samples: list[IdNameRef]


SUBTRACTION_JSON = FieldsWriter(Subtraction)
"""A `GET`'s subtraction written from its fields validated into dicts, not `Subtraction`'s instances
(`documents.shown_subtraction`)."""


class CreateSubtractionRequest(StrictModel):
    name: str = Field(min_length=1, max_length=255)
    nickname: str = Field(default="", max_length=255)
    upload_id: int = Field(ge=1)


class FinalizeSubtractionRequest(StrictModel):
    gc: NucleotideComposition
    count: int = Field(ge=0)


SubtractionSearchResult = Page[SubtractionMinimal]
