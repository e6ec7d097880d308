from pydantic import BaseModel, ConfigDict, Field

from virtool_api.models import StrictModel
from virtool_api.pagination import Page, PageQuery

ANNOTATIONS_FILE = "annotations.json.gz"
PROFILES_FILE = "profiles.hmm"


class HMMEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    accession: str
    gi: str
    name: str
    organism: str


class HMMCluster(BaseModel):
    """One HMM cluster of the annotations file, as NuVs runners read it (docs/api.md, "HMMs")."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(alias="_id", min_length=1, max_length=64)
    cluster: int
    count: int
    length: int
    names: list[str] = Field(max_length=3)
    families: dict[str, int]
    genera: dict[str, int]
    entries: list[HMMEntry]
    mean_entropy: float
    total_entropy: float


class HMMMinimal(BaseModel):
    id: str
    cluster: int
    count: int
    names: list[str]
    families: dict[str, int]


class HMM(HMMMinimal):
    length: int
    genera: dict[str, int]
    entries: list[HMMEntry]
    mean_entropy: float
    total_entropy: float


class HMMStatus(BaseModel):
    installed: bool
    cluster_count: int = 0
    profile_count: int = 0


class HMMSearchQuery(PageQuery):
    find: str | None = None


class HMMSearchResult(Page[HMMMinimal]):
    status: HMMStatus


class InstallHMMsRequest(StrictModel):
    """Two uploads of type `hmm`: the annotations (JSON list, gzip or not) and the HMMER3 profiles file."""

    annotations: int = Field(ge=1)
    profiles: int = Field(ge=1)
