"""The results Virtool's workflows send when they finalize: their shapes (for OpenAPI) and what is checked.

Virtool stores any JSON object as `results`. We check only what the server relies on, what a document store
needs (`storage/limits.py`, both stores alike) and what the web client needs to draw a result, and never
anything narrower than what real runners send.

**NuVs** (`virtool/workflow-nuvs`): the assembled contigs that may be novel viruses, each with its open
reading frames and the HMM profiles (vFam) those matched. The server relies on the contigs: BLAST finds one
by its `index` and sends its `sequence`, and a NuVs hit shows its BLAST record as `blast`. So `hits` must be
a list of contigs with a unique integer `index` and a nucleotide `sequence` (422 naming the path otherwise).
Everything else is optional and kept as sent, extra keys included; where a key the web client draws from is
present it must have the type it draws (`pos` two integers, `strand` 1 or -1, E-values numbers). Positions
are not bounded: Virtool's ORF finder gives a reverse-strand ORF that runs off the contig's end a negative
start (seen: `[-2, 469]`), and the web client clips such an ORF to its contig and marks it.

**Pathoscope** (`virtool/workflow-pathoscope`): reads counted, and per reference sequence hit its OTU,
coverage, per-position depths (`align`) and Pathoscope's scores. The server reads nothing in it, so it checks
nothing beyond what a document store can hold; the shape is documented for clients.

Other workflows' results (AODP) are free-form objects.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from virtool_api.errors import InvalidInput
from virtool_api.jobs.models import Workflow
from virtool_api.models import Timestamp

MAX_SEQUENCE_INDEX = 2**31 - 1
"""`nuvs_blast.sequence_index` is a 32-bit column, and the index is a path segment of the BLAST route."""
_NUCLEOTIDE = "[ACGTURYSWKMBDHVNacgturyswkmbdhvn]"
_NUCLEOTIDES = re.compile(f"{_NUCLEOTIDE}+")
NUCLEOTIDE_PATTERN = f"^{_NUCLEOTIDE}+$"
"""The same rule in JSON Schema's (ECMAScript) syntax, for the OpenAPI document."""


def _nucleotides(sequence: str) -> str:
    if not _NUCLEOTIDES.fullmatch(sequence):
        raise ValueError("must be a nucleotide sequence (IUPAC codes: A C G T U R Y S W K M B D H V N)")
    return sequence


def _strand(strand: int) -> int:
    if strand not in (1, -1):
        raise ValueError("must be 1 (forward) or -1 (reverse)")
    return strand


class WorkflowResult(BaseModel):
    """Exact types, no coercion (`"3"` is not an index); keys the workflow adds beyond these are kept."""

    model_config = ConfigDict(extra="allow", strict=True)


class NuvsHmmHit(WorkflowResult):
    """A vFam profile HMM an ORF's translation matched (one row of `hmmscan --tblout`)."""

    hit: str | int | None = Field(default=None, description="The id of the HMM annotation matched.")
    full_e: float | None = Field(default=None, description="E-value of the full sequence.")
    full_score: float | None = None
    full_bias: float | None = None
    best_e: float | None = Field(default=None, description="E-value of the best domain.")
    best_score: float | None = None
    best_bias: float | None = None


class NuvsOrf(WorkflowResult):
    """An open reading frame of at least 100 amino acids in a contig. Every key is optional."""

    index: int | None = Field(default=None, description="The ORF's number within its contig.")
    pro: str | None = Field(default=None, description="Its translation (amino acids).")
    frame: int | None = None
    strand: Annotated[int, AfterValidator(_strand), Field(json_schema_extra={"enum": [1, -1]})] | None = (
        Field(default=None, description="1 forward, -1 reverse.")
    )
    pos: list[int] | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        description="`[start, end]` in the contig, 0-based, end exclusive; may run past either end of the"
        " contig (Virtool's ORF finder gives negative starts).",
    )
    hits: list[NuvsHmmHit] | None = Field(
        default=None, description="The HMM profiles its translation matched."
    )


class NuvsHit(WorkflowResult):
    """An assembled contig (SPAdes) that did not map to the reference or the subtractions."""

    index: int = Field(
        ge=0,
        le=MAX_SEQUENCE_INDEX,
        description="Unique within the result: `PUT /analyses/{id}/{index}/blast` BLASTs this contig.",
    )
    sequence: Annotated[str, AfterValidator(_nucleotides)] = Field(
        description="The contig's nucleotides.", json_schema_extra={"pattern": NUCLEOTIDE_PATTERN}
    )
    orfs: list[NuvsOrf] | None = None


class NuvsResults(WorkflowResult):
    """What a NuVs job sends (`{"results": {"hits": [...]}}`); checked at finalize."""

    hits: list[NuvsHit]


# A contig's BLAST as a NuVs hit shows it, stored by `blasts.py` in its own table. Here, beside the results,
# so that runners (which send results) import no store.
class NuvsBlastRecord(BaseModel):
    id: int
    analysis_id: str
    sequence_index: int
    rid: str | None
    ready: bool
    interval: float
    created_at: Timestamp
    updated_at: Timestamp
    last_checked_at: Timestamp
    result: Any = None
    error: str | None = None


class RenderedNuvsHit(NuvsHit):
    blast: NuvsBlastRecord | None = Field(
        description="The contig's BLAST record (null when never BLASTed); added by the server, not sent."
    )


class RenderedNuvsResults(NuvsResults):
    """A NuVs result as the API shows it: every contig with its `blast`."""

    hits: list[RenderedNuvsHit]  # type: ignore[assignment]


class PathoscopeOtu(WorkflowResult):
    id: str
    version: int = Field(description="The OTU's version in the index the analysis used.")


class PathoscopeScores(WorkflowResult):
    """Pathoscope's estimates for one sequence, before (`initial`) or after (`final`) reassignment."""

    pi: float = Field(description="The proportion of the sample's reads attributed to the sequence.")
    best: float
    high: float
    low: float
    reads: int


class PathoscopeHit(WorkflowResult):
    """A reference sequence reads were assigned to."""

    id: str = Field(description="The reference sequence's id.")
    otu: PathoscopeOtu
    align: list[int] = Field(description="Read depth at each position of the sequence.")
    coverage: float = Field(description="The fraction of positions with any depth.")
    depth: float = Field(description="The mean depth, rounded.")
    final: PathoscopeScores
    initial: PathoscopeScores


class PathoscopeResults(WorkflowResult):
    """What a Pathoscope job sends. Documented for clients; the server checks only that it can be stored."""

    read_count: int = Field(description="Reads aligned to the reference.")
    subtracted_count: int = Field(description="Reads removed because they mapped better to a subtraction.")
    hits: list[PathoscopeHit]


SentResults = NuvsResults | PathoscopeResults | dict[str, Any]
"""What a job may send as `results`, by workflow (documentation: the body does not say the workflow)."""
ShownResults = RenderedNuvsResults | PathoscopeResults | dict[str, Any] | None


def _errors(error: ValidationError, prefix: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        path = ".".join([prefix, *(str(part) for part in item["loc"])])
        errors.setdefault(path, []).append(item["msg"])
    return errors


def check_nuvs_results(results: dict[str, Any]) -> None:
    """422, naming each path, unless `results` has the NuVs workflow's shape with unique contig indexes."""
    try:
        NuvsResults.model_validate(results)
    except ValidationError as error:
        raise InvalidInput(errors=_errors(error, "results")) from None
    first_of: dict[int, int] = {}
    duplicates: dict[str, list[str]] = {}
    for position, hit in enumerate(results["hits"]):
        earlier = first_of.setdefault(hit["index"], position)
        if earlier != position:
            duplicates[f"results.hits.{position}.index"] = [f"index {hit['index']} is also hit {earlier}'s"]
    if duplicates:
        raise InvalidInput(errors=duplicates)


def check_workflow_results(workflow: str, results: dict[str, Any]) -> None:
    """What the server relies on in a workflow's results; only NuVs results have anything (see the module)."""
    if workflow == Workflow.NUVS:
        check_nuvs_results(results)
