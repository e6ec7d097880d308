from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from virtool_api.models import IdNameRef, IdRef, Timestamp, UserRef


class LibraryType(StrEnum):
    NORMAL = "normal"
    SRNA = "srna"
    AMPLICON = "amplicon"
    OTHER = "other"


class ArtifactType(StrEnum):
    SAM = "sam"
    BAM = "bam"
    FASTA = "fasta"
    FASTQ = "fastq"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"


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


class Sample(BaseModel):
    """The document workflow clients validate strictly (job-api-documents.md)."""

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
    imported: bool = False
    archived: bool = False
    user: UserRef
    group: str | None = None
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
    job: IdRef | None = None
    quality: Quality | None = None
    status: str
    visibility: str
    project: Any = None
    tags: list[Any] = Field(default_factory=list)


class FinalizeSampleRequest(BaseModel):
    quality: Quality


class ArtifactQuery(BaseModel):
    name: str
    type: str
