from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, SkipValidation

from virtool_api.analyses.results import SentResults, ShownResults
from virtool_api.api.model_fields import FieldsWriter
from virtool_api.errors import Conflict
from virtool_api.jobs.models import JobSummary, Workflow
from virtool_api.models import FileFormat, IdNameRef, StrictModel, Timestamp, UserRef
from virtool_api.pagination import Page, PageQuery

AnalysisFormat = FileFormat


class AnalysisFile(BaseModel):
    id: int
    analysis: str
    description: str | None = None
    format: str
    name: str
    name_on_disk: str
    size: int
    uploaded_at: Timestamp


class IndexRef(BaseModel):
    id: str
    version: int


class ReferenceRef(BaseModel):
    id: str
    name: str
    data_type: Literal["genome", "barcode"]


class SampleRef(BaseModel):
    id: str
    name: str


class Analysis(BaseModel):
    """The document workflow clients validate strictly (`tests/support/runner_models.py`)."""

    id: str
    created_at: Timestamp
    updated_at: Timestamp | None = None
    index: IndexRef
    reference: ReferenceRef
    ready: bool
    sample: SampleRef
    subtractions: list[IdNameRef]
    user: UserRef
    workflow: str
    files: list[AnalysisFile]
    job: JobSummary | None = None
    ml: Any = None
    results: SkipValidation[ShownResults] = Field(
        default=None,
        description="Null until the analysis's job finalizes it; its shape depends on the `workflow`.",
    )


ANALYSIS_JSON = FieldsWriter(Analysis)
"""An analysis written from its fields validated into dicts, not `Analysis`'s instances (`show_analysis`)."""


class AnalysisFileQuery(BaseModel):
    name: str
    format: str | None = None


class FinalizeAnalysisRequest(BaseModel):
    results: Annotated[
        dict[str, Any],
        # Documents the shapes by workflow; validated here as an object (the body does not name the workflow).
        BeforeValidator(lambda value: value, json_schema_input_type=SentResults),
    ] = Field(
        description="The workflow's result. A NuVs result must have the NuVs workflow's shape (checked); "
        "any result must be storable: at most 99 levels deep, 64-bit integers, finite numbers, no key "
        "starting with `$` or containing NUL."
    )


class AnalysisMinimal(BaseModel):
    """An analysis in listings: everything but its results and files."""

    id: str
    created_at: Timestamp
    updated_at: Timestamp | None = None
    index: IndexRef
    reference: ReferenceRef
    ready: bool
    sample: SampleRef
    subtractions: list[IdNameRef]
    user: UserRef
    workflow: str
    job: JobSummary | None = None


class AnalysisWorkflow(StrEnum):
    """The workflow the analysis runs: AODP for amplicon libraries only, Pathoscope and NuVs for others."""

    # The `Workflow`s that analyse a sample, the subset a request may name (its own schema in the document).
    PATHOSCOPE_BOWTIE = Workflow.PATHOSCOPE.value
    NUVS = Workflow.NUVS.value
    AODP = Workflow.AODP.value


class CreateAnalysisRequest(StrictModel):
    workflow: AnalysisWorkflow
    ref_id: str
    subtractions: list[str] = Field(default_factory=list)


class AnalysisSearchQuery(PageQuery):
    workflow: str | None = None
    ready: bool | None = None


AnalysisSearchResult = Page[AnalysisMinimal]


ANALYSIS_FINALIZED = Conflict.declare("Analysis is finalized")
"""409 for what needs an analysis its job is still working on (upload or remove after finalizing)."""
