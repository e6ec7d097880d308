from pydantic import BaseModel

from virtool_api.errors import Conflict
from virtool_api.jobs.models import JobSummary
from virtool_api.models import Timestamp, UserRef
from virtool_api.pagination import Page

INDEX_FILE_TYPES = {
    "otus.json.gz": "json",
    "reference.json.gz": "json",
    "reference.fa.gz": "fasta",
    "reference.1.bt2": "bowtie2",
    "reference.2.bt2": "bowtie2",
    "reference.3.bt2": "bowtie2",
    "reference.4.bt2": "bowtie2",
    "reference.rev.1.bt2": "bowtie2",
    "reference.rev.2.bt2": "bowtie2",
}
"""Every file an index has, by name, with its type (docs/api.md, "Job API")."""

INDEX_FINALIZED = Conflict.declare("Index is finalized")
OTUS_FILE = "otus.json.gz"
FASTA_FILE = "reference.fa.gz"
BOWTIE2_FILES = [name for name, kind in INDEX_FILE_TYPES.items() if kind == "bowtie2"]


class IndexReference(BaseModel):
    id: str
    name: str
    data_type: str


class IndexFileModel(BaseModel):
    id: int
    index: str
    name: str
    type: str
    size: int
    download_url: str


class IndexContributor(BaseModel):
    id: str
    handle: str
    count: int


class IndexOTU(BaseModel):
    id: str
    name: str
    change_count: int


class IndexMinimal(BaseModel):
    id: str
    version: int
    change_count: int
    created_at: Timestamp
    has_files: bool
    job: JobSummary | None = None
    modified_otu_count: int
    ready: bool
    reference: IndexReference
    user: UserRef


class Index(IndexMinimal):
    """The document build-index and analysis runners read (`tests/support/runner_models.py`)."""

    contributors: list[IndexContributor]
    files: list[IndexFileModel]
    manifest: dict[str, int]
    otus: list[IndexOTU]


IndexSearchResult = Page[IndexMinimal]
