"""What a Virtool workflow runner (virtool-workflow 7.x) requires of each JSON answer, as pydantic models.

Written from what Virtool's runners require of the job API's documents (checked against virtool-workflow's
and virtool-core's models): a field listed here is required unless it has a default, and `None` is refused
unless the type says `| None`. Extra fields are fine, as in the runner.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JobStateName = Literal[
    "waiting", "preparing", "running", "complete", "error", "cancelled", "terminated", "timeout"
]


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class UserNested(Model):
    id: str
    handle: str


class JobMinimal(Model):
    """The `job` field of samples, analyses, indexes and subtractions: never a bare `{id}`."""

    id: str
    created_at: datetime
    progress: int
    stage: str | None = None
    state: JobStateName
    user: UserNested
    workflow: str


class JobStatus(Model):
    state: JobStateName
    progress: int
    timestamp: datetime
    stage: str | None = None
    step_name: str | None = None
    step_description: str | None = None
    error: dict[str, Any] | None = None


class Job(Model):
    id: str
    created_at: datetime
    progress: int
    state: JobStateName
    user: UserNested
    workflow: str
    args: dict[str, Any]
    status: list[JobStatus]
    stage: str | None = None
    ping: dict[str, datetime] | None = None
    acquired: bool = False


class AcquiredJob(Job):
    key: str


class Ping(Model):
    pinged_at: datetime


class Label(Model):
    id: int | str
    name: str
    color: str
    description: str


class Quality(Model):
    bases: list[list[float]]
    composition: list[list[float]]
    count: int
    encoding: str
    gc: float
    length: list[int]
    sequences: list[int]


class Read(Model):
    id: int
    name: str
    name_on_disk: str
    size: int
    sample: str
    uploaded_at: datetime
    download_url: str
    upload: int | None = None


class Artifact(Model):
    id: int
    name: str
    size: int
    download_url: str


class IdName(Model):
    id: str
    name: str


class Sample(Model):
    id: str
    name: str
    created_at: datetime
    host: str
    isolate: str
    locale: str
    notes: str
    labels: list[Label]
    library_type: Literal["normal", "srna", "amplicon", "other"]
    nuvs: bool | str
    pathoscope: bool | str
    workflows: dict[
        Literal["aodp", "nuvs", "pathoscope"], Literal["complete", "incompatible", "none", "pending"]
    ]
    ready: bool
    user: UserNested
    all_read: bool
    all_write: bool
    group_read: bool
    group_write: bool
    hold: bool
    is_legacy: bool
    format: str
    paired: bool
    reads: list[Read]
    artifacts: list[Artifact]
    subtractions: list[IdName]
    group: str | int | None = None
    job: JobMinimal | None = None
    quality: Quality | None = None


class AnalysisFile(Model):
    id: int
    analysis: str
    format: str
    name: str
    name_on_disk: str
    size: int
    uploaded_at: datetime


class Analysis(Model):
    id: str
    created_at: datetime
    index: dict[Literal["id", "version"], str | int]
    reference: "ReferenceNested"
    ready: bool
    sample: dict[str, str]
    subtractions: list[IdName]
    user: UserNested
    workflow: str
    files: list[AnalysisFile]
    updated_at: datetime | None = None
    job: JobMinimal | None = None
    ml: Any = None
    results: Any = None


class ReferenceNested(Model):
    id: str
    name: str
    data_type: Literal["genome", "barcode"]


class IndexFile(Model):
    download_url: str
    id: int
    index: str
    name: str
    size: int | None
    type: str


class Index(Model):
    id: str
    version: int
    change_count: int
    created_at: datetime
    has_files: bool
    job: JobMinimal | None
    modified_otu_count: int
    reference: ReferenceNested
    user: UserNested
    ready: bool
    contributors: list[dict[str, Any]]
    files: list[IndexFile]
    manifest: dict[str, int]
    otus: list[dict[str, Any]]


class NucleotideComposition(Model):
    a: float
    c: float
    g: float
    t: float
    n: float


class SubtractionFile(Model):
    download_url: str
    id: int
    name: str
    size: int
    subtraction: str
    type: str


class Subtraction(Model):
    id: str
    name: str
    nickname: str
    count: int | None
    created_at: datetime
    file: dict[str, int | str]
    ready: bool
    user: UserNested | None
    files: list[SubtractionFile]
    gc: NucleotideComposition | None
    linked_samples: list[IdName]
    job: JobMinimal | None


class HMMEntry(Model):
    accession: str
    gi: str
    name: str
    organism: str


class HMM(Model):
    id: str = Field(alias="_id")
    cluster: int
    count: int
    length: int
    names: list[str] = Field(max_length=3)
    families: dict[str, int]
    genera: dict[str, int]
    entries: list[HMMEntry]
    mean_entropy: float
    total_entropy: float


class OTUSequence(Model):
    id: str = Field(alias="_id")
    accession: str
    definition: str
    host: str
    segment: str | None
    sequence: str


class OTUSegment(Model):
    name: str
    molecule: str | None
    required: bool


class OTUIsolate(Model):
    id: str
    default: bool
    source_type: str
    source_name: str
    sequences: list[OTUSequence]


class IndexOTU(Model):
    """An OTU of `otus.json.gz`, as the build-index and analysis runners read it."""

    id: str = Field(alias="_id")
    name: str
    abbreviation: str
    version: int
    otu_schema: list[OTUSegment] = Field(alias="schema")
    isolates: list[OTUIsolate]


class Upload(Model):
    pass


Analysis.model_rebuild()
