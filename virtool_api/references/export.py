"""Reading a Virtool reference export: a gzip of one JSON object `{name, data_type, organism, otus: [...]}`.

The file is read as a stream (gzip, then `ijson`), one OTU at a time: only the OTU being read and the sets of
ids seen so far are held in memory, whatever the size of the reference, and the stream is held to the limits
of `storage/streamed_json.py` before the parser sees it (depth, strings, size, members). `check_export` reads
it all once and answers what is wrong with it, if anything, before `read_otus` reads it again for storing: a
bad file stores nothing. Both stop at their next read once `stop` is set.
"""

import gzip
import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ijson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from virtool_api.crash_points import stall_point
from virtool_api.errors import BadRequest, InvalidInput
from virtool_api.storage.limits import check_storable
from virtool_api.storage.streamed_json import READ_SIZE, BoundedJSONStream, LimitExceeded

GZIP_MAGIC = b"\x1f\x8b"
MAX_ID_LENGTH = 64
"""OTU, isolate and sequence ids (Virtool's are 8 characters): the sets of ids seen stay small."""
MAX_SEQUENCES = 1_000_000
"""Sequences in one export: bounds the set of their ids held while checking it."""
OTU_DEPTH = 3
"""Where an OTU opens: `{` (1) `"otus": [` (2) `{` (3)."""
METADATA = ("name", "data_type", "organism")
"""The top-level fields read; any others are passed over, not kept."""

# The IUPAC nucleotide codes: real references carry ambiguity codes (R, Y, K, M, S, W, B, D, H, V, N).
_NOT_NUCLEOTIDE = re.compile(r"[^ACGTURYKMSWBDHVN]", re.IGNORECASE)


class InvalidReferenceFile(BadRequest):
    """400 naming what is wrong with an uploaded reference export."""

    described = (
        "Reference file is empty",
        "Reference file is not gzip-compressed",
        "Reference file is not valid gzip (truncated or corrupt)",
        "Reference file is nested deeper than 10 levels",
        "Reference file has a string longer than 4 MiB",
        "Reference file is larger than 1 GiB decompressed",
        "Reference file is not valid JSON",
        "Reference file is not a JSON object",
        "Reference file's otus is not a list",
        "Reference file has no otus",
        "Reference file has a duplicate OTU id: …",
        "Reference file is invalid: otus.3.isolates.0.sequences.1.sequence: non-nucleotide letters: …",
        "OTU … has no default isolate",
        "Reference file has a duplicate sequence id: …",
        "Reference file has more than … sequences",
        "Reference file's data_type must be genome or barcode",
    )


class ExportSequence(BaseModel):
    """Fields beyond these (a `target`, a `remote` id, anything a newer Virtool adds) are kept as they came:
    the OTUs are served whole to build-index jobs (`otus.json.gz`)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(alias="_id", min_length=1, max_length=MAX_ID_LENGTH)
    accession: str
    definition: str = ""
    host: str | None = ""
    segment: str | None = None
    sequence: str = Field(min_length=1)

    @field_validator("sequence")
    @classmethod
    def _nucleotides(cls, sequence: str) -> str:
        if letters := sorted(set(_NOT_NUCLEOTIDE.findall(sequence))):
            raise ValueError(f"non-nucleotide letters: {', '.join(letters)}")
        return sequence


class ExportIsolate(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    default: bool
    source_type: str
    source_name: str
    sequences: list[ExportSequence]


class ExportSegment(BaseModel):
    """One segment of an OTU's `schema`; build-index runners copy `name`, `molecule` and `required`."""

    model_config = ConfigDict(extra="allow")

    name: str
    molecule: str | None = None
    required: bool = True


class ExportOTU(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(alias="_id", min_length=1, max_length=MAX_ID_LENGTH)
    name: str = Field(min_length=1)
    abbreviation: str = ""
    schema_: list[ExportSegment] = Field(default_factory=list, alias="schema")
    isolates: list[ExportIsolate] = Field(min_length=1)


@dataclass
class ExportSummary:
    """What `check_export` learned about a valid file."""

    name: str | None
    data_type: Literal["genome", "barcode"]
    organism: str
    otu_count: int = 0
    sequence_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _location(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _open(path: Path) -> Any:
    with path.open("rb") as probe:
        head = probe.read(2)
    if not head:
        raise InvalidReferenceFile("Reference file is empty")
    if head != GZIP_MAGIC:
        raise InvalidReferenceFile("Reference file is not gzip-compressed")
    return gzip.open(path, "rb")


def _events(path: Path, stop: threading.Event | None) -> Iterator[tuple[str, str, Any]]:
    """The file's JSON parse events; broken gzip, broken JSON or a limit passed becomes a 400 saying which."""
    with _open(path) as stream:
        bounded = BoundedJSONStream(stream, OTU_DEPTH, stop)
        try:
            yield from ijson.parse(bounded, use_float=True, buf_size=READ_SIZE)
        except (OSError, EOFError, zlib.error) as error:
            raise InvalidReferenceFile("Reference file is not valid gzip (truncated or corrupt)") from error
        except ijson.JSONError as error:
            raise InvalidReferenceFile("Reference file is not valid JSON") from error
        except LimitExceeded as error:
            raise InvalidReferenceFile(f"Reference file {error}") from None


def _walk(
    path: Path, metadata: dict[str, Any], stop: threading.Event | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(position, raw OTU)` for each element of `otus`, filling `metadata` with the top-level fields used."""
    events = _events(path, stop)
    first = next(events, None)
    if first is None or first[1] != "start_map":
        raise InvalidReferenceFile("Reference file is not a JSON object")
    builder: Any = None
    position = -1
    saw_otus = False
    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if prefix == "otus.item" and event == "end_map":
                yield position, builder.value
                builder = None
        elif prefix == "otus":
            if event == "start_array":
                saw_otus = True
            elif event != "end_array":
                raise InvalidReferenceFile("Reference file's otus is not a list")
        elif prefix == "otus.item":
            position += 1
            if event != "start_map":
                raise InvalidReferenceFile(f"Reference file is invalid: otus.{position} is not an object")
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
        elif prefix in METADATA and event in ("string", "number", "boolean", "null"):
            metadata[prefix] = value
    if not saw_otus:
        raise InvalidReferenceFile("Reference file has no otus")


def _validated(position: int, raw: dict[str, Any]) -> ExportOTU:
    """The OTU, or a 400 naming the first problem: its shape, or a value (kept whole, extra fields too) that
    no document store could hold (storage/limits.py)."""
    try:
        otu = ExportOTU.model_validate(raw)
    except ValidationError as error:
        raise InvalidReferenceFile(f"Reference file is invalid: otus.{position}.{_location(error)}") from None
    try:
        check_storable(raw, f"otus.{position}")
    except InvalidInput as error:
        where, messages = next(iter(error.extra["errors"].items()))
        raise InvalidReferenceFile(f"Reference file is invalid: {where}: {messages[0]}") from None
    return otu


def check_export(path: Path, stop: threading.Event | None = None) -> ExportSummary:
    """Read the whole export once; 400 saying what is wrong (empty, not gzip, not JSON, past a limit, no
    `otus`, a malformed OTU, a duplicate id, a sequence with non-nucleotide letters, an OTU without exactly
    one default isolate)."""
    metadata: dict[str, Any] = {}
    otu_ids: set[str] = set()
    sequence_ids: set[str] = set()
    summary = ExportSummary(name=None, data_type="genome", organism="")
    for position, raw in _walk(path, metadata, stop):
        stall_point("reference_check")
        otu = _validated(position, raw)
        if otu.id in otu_ids:
            raise InvalidReferenceFile(f"Reference file has a duplicate OTU id: {otu.id}")
        otu_ids.add(otu.id)
        defaults = sum(isolate.default for isolate in otu.isolates)
        if defaults != 1:
            problem = "no default isolate" if defaults == 0 else "more than one default isolate"
            raise InvalidReferenceFile(f"OTU {otu.name} ({otu.id}) has {problem}")
        isolate_ids: set[str] = set()
        for isolate in otu.isolates:
            if isolate.id in isolate_ids:
                raise InvalidReferenceFile(
                    f"OTU {otu.name} ({otu.id}) has a duplicate isolate id: {isolate.id}"
                )
            isolate_ids.add(isolate.id)
            for sequence in isolate.sequences:
                if sequence.id in sequence_ids:
                    raise InvalidReferenceFile(f"Reference file has a duplicate sequence id: {sequence.id}")
                sequence_ids.add(sequence.id)
        summary.otu_count += 1
        summary.sequence_count += sum(len(isolate.sequences) for isolate in otu.isolates)
        if summary.sequence_count > MAX_SEQUENCES:
            raise InvalidReferenceFile(f"Reference file has more than {MAX_SEQUENCES:,} sequences")
    data_type = metadata.get("data_type") or "genome"
    if data_type not in ("genome", "barcode"):
        raise InvalidReferenceFile("Reference file's data_type must be genome or barcode")
    summary.name = metadata.get("name") if isinstance(metadata.get("name"), str) else None
    summary.data_type = "barcode" if data_type == "barcode" else "genome"
    summary.organism = str(metadata.get("organism") or "")
    return summary


def read_otus(path: Path, stop: threading.Event | None = None) -> Iterator[ExportOTU]:
    """The OTUs of an export `check_export` accepted, one at a time."""
    for position, raw in _walk(path, {}, stop):
        yield _validated(position, raw)
